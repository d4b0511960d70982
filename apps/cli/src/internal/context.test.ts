import { describe, expect, it } from 'vitest';
import { invokedAs } from './context.js';

describe('invokedAs', () => {
  it('spells glossa as the user ran it', () => {
    expect(invokedAs({})).toBe('glossa');
    expect(
      invokedAs({ npm_lifecycle_event: 'npx', npm_lifecycle_script: 'glossa', npm_command: 'exec', npm_config_user_agent: 'npm/11.19.1 node/v20.20.2' }),
    ).toBe('npx glossa');
    expect(invokedAs({ npm_lifecycle_event: 'npx', npm_lifecycle_script: "'glossa'", npm_command: 'exec' })).toBe('npx glossa');
    expect(invokedAs({ npm_command: 'exec', npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64' })).toBe('pnpm exec glossa');
    expect(invokedAs({ npm_lifecycle_event: 'glossa', npm_command: 'run-script', npm_config_user_agent: 'pnpm/10.34.9' })).toBe('pnpm glossa');
  });

  it('a glossa started by another tool run through npx or a package script is plain glossa', () => {
    expect(invokedAs({ npm_lifecycle_event: 'npx', npm_lifecycle_script: 'vitest', npm_command: 'exec' })).toBe('glossa');
    expect(invokedAs({ npm_lifecycle_event: 'test', npm_command: 'run-script', npm_config_user_agent: 'pnpm/10.34.9' })).toBe('glossa');
  });
});
