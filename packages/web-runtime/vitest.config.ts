import { glossaTests } from '../../vitest.base';

export default glossaTests({ setupFiles: ['test/setup-backend.ts'] });
