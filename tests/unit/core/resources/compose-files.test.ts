// Pure parts of compose edit/deploy/scale: the CLI arguments of scale and up with build/pull, and
// the line an error of `config` names in the edited file.
import { describe, expect, it } from 'vitest';
import { composeArgs } from '../../../../src-main/core/compose/compose-cli';
import { errorLine } from '../../../../src-main/core/compose/compose-files';

const place = { name: 'p', workingDir: null, configFiles: [] };

describe('compose arguments', () => {
  it('scales one service without recreating the others', () => {
    expect(composeArgs(place, 'scale', { services: ['web'], removeVolumes: false, replicas: 3 }).args).toEqual(['--ansi', 'never', '-p', 'p', 'up', '-d', '--no-recreate', '--scale', 'web=3', 'web']);
  });
  it('builds and pulls (v2) with up', () => {
    expect(composeArgs(place, 'up', { services: [], removeVolumes: false, build: true, pullAlways: true }).args).toEqual(['--ansi', 'never', '-p', 'p', 'up', '-d', '--build', '--pull', 'always']);
  });
});

describe('errorLine', () => {
  it('takes the last line named in the edited file', () => {
    const v1 = 'yaml.parser.ParserError: while parsing a block mapping\n  in "./docker-compose.yml", line 3, column 3\nexpected <block end>\n  in "./docker-compose.yml", line 5, column 4';
    expect(errorLine(v1, 'docker-compose.yml')).toBe(5);
    expect(errorLine('yaml: line 7: did not find expected key', 'compose.yaml')).toBe(7);
    expect(errorLine("Unsupported config option for services.web: 'imag'", 'compose.yaml')).toBeNull();
  });
});
