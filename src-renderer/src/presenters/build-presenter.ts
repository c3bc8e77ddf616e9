// The Build dialog's form → images.build input, checked as the user types with the contract's own
// schemas: tags (space or comma separated references), build args (NAME=value per line), the folder,
// the Dockerfile and the target. Pure, unit-tested.
import { BuildInputSchema, type BuildInput } from '@contract/procedures/images';
import { ImageRefSchema } from '@contract/run-spec';

export interface BuildForm {
  context: string;
  dockerfile: string;
  tags: string;
  buildArgs: string;
  target: string;
  noCache: boolean;
  pull: boolean;
}

export const EMPTY_BUILD_FORM: BuildForm = { context: '', dockerfile: 'Dockerfile', tags: '', buildArgs: '', target: '', noCache: false, pull: false };

export type BuildFormField = 'context' | 'dockerfile' | 'tags' | 'buildArgs' | 'target';

export interface ParsedBuildForm {
  input: BuildInput | null;
  errors: Partial<Record<BuildFormField, string>>;
}

export function splitTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export function parseBuildArgs(text: string): { args: { name: string; value: string }[]; error?: string } {
  const args: { name: string; value: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { args, error: `line ${i + 1}: "${name}" is not an argument name (letters, digits, "_"; not starting with a digit)` };
    if (eq < 0) return { args, error: `line ${i + 1}: write NAME=value` };
    args.push({ name, value: line.slice(eq + 1) });
  }
  return { args };
}

export function parseBuildForm(hostId: string, f: BuildForm): ParsedBuildForm {
  const errors: ParsedBuildForm['errors'] = {};
  const context = f.context.trim();
  if (context && !/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(context)) errors.context = 'give the folder as an absolute path, e.g. /home/me/app';
  const tags = splitTags(f.tags);
  for (const t of tags) {
    const r = ImageRefSchema.safeParse(t);
    if (!r.success) {
      errors.tags = `${t}: ${r.error.issues[0]?.message ?? 'not an image reference'}`;
      break;
    }
  }
  const a = parseBuildArgs(f.buildArgs);
  if (a.error) errors.buildArgs = a.error;
  const candidate = {
    hostId,
    context,
    dockerfile: f.dockerfile.trim() || 'Dockerfile',
    tags,
    buildArgs: a.args,
    ...(f.target.trim() ? { target: f.target.trim() } : {}),
    noCache: f.noCache,
    pull: f.pull,
  };
  const r = BuildInputSchema.safeParse(candidate);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const field = String(issue.path[0] ?? '') as BuildFormField;
      if (['context', 'dockerfile', 'tags', 'buildArgs', 'target'].includes(field) && !errors[field]) errors[field] = issue.message;
    }
  }
  // An empty folder is "not yet typed", not an error to show; it still blocks the Build button.
  const shown = context ? errors : { ...errors, context: undefined };
  return { input: r.success && Object.keys(errors).length === 0 ? candidate : null, errors: shown };
}
