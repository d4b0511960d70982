/**
 * `@glossa/queue`: scoring past one machine on a Redis-backed BullMQ job queue. Submit an input once, run
 * workers on any number of machines, collect the results in input order — line for line what
 * `glossa predict` writes for the same input.
 */
export { decodeChunkInput, decodeChunkOutput, encodeChunkInput, encodeChunkOutput, type LineRuns, lineRuns, linesOf, type ScoreItem } from './chunks.js';
export { type CollectedChunk, type CollectOptions, collectJob } from './collect.js';
export { DEFAULT_PREFIX, type QueueConnection, checkJobName, parseRedisUrl, redactUrl, SCORING_QUEUE } from './connection.js';
export { QueueError, type QueueErrorCode } from './errors.js';
export { removeJob } from './remove.js';
export { type ChunkFailure, type JobStatus, jobStatus, listJobs, retryFailedChunks } from './status.js';
export { DEFAULT_CHUNK_SIZE, type SubmitOptions, type SubmittedJob, submitJob } from './submit.js';
export { type ChunkDone, type ScoringWorker, type ScoringWorkerOptions, startScoringWorker } from './worker.js';
