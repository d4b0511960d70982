import { glossaTests } from '../../vitest.base';

export default glossaTests();
