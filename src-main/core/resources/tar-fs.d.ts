// The part of tar-fs (2.x) WakeDock uses: pack a folder as a tar stream. Declared here rather than
// with @types/tar-fs so that a checkout whose node_modules predates the dependency still typechecks.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';

  export interface Headers {
    name: string;
    mode: number;
    mtime: Date;
    size: number;
    type: 'file' | 'directory' | 'link' | 'symlink';
    uid: number;
    gid: number;
  }

  export interface PackOptions {
    /** Absolute path in, true: leave it (and a folder's whole subtree) out. */
    ignore?: (name: string) => boolean;
    map?: (header: Headers) => Headers;
    dereference?: boolean;
  }

  export function pack(cwd: string, opts?: PackOptions): Readable;
  const tar: { pack: typeof pack };
  export default tar;
}
