import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function clicklake(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/cli.ts', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('clicklake CLI', () => {
  it('lists its commands with --help and exits 0', () => {
    const { code, stdout } = clicklake('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('usage: clicklake <command>');
  });

  it('rejects an unknown command with exit 2 and one line on stderr', () => {
    const { code, stderr } = clicklake('frobnicate');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('prints usage and exits 2 when no command is given', () => {
    expect(clicklake().code).toBe(2);
  });
});
