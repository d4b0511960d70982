import { glossaTests } from '../../vitest.base';

export default glossaTests({ testTimeout: 120_000, setupFiles: ['test/setup-backend.ts'] });
