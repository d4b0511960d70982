export { syntheticSentiment } from '@glossa/test-data';
