import { toPredictions } from '@glossa/node-runtime';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../error-body.js';
import { logRequest, setRequestTexts } from '../request-log.js';
import { type ErrorResponses, predictSchema } from '../schemas.js';
import type { ServeController } from '../serve-controller.js';
import { notReady } from './health.js';

interface PredictBody {
  texts: string[];
  explain?: boolean;
}

interface PredictionJSON {
  label: string;
  scores: Record<string, number>;
  explanation?: { label: string; method: string; tokens: Array<{ token: string; score: number }> };
}

/**
 * `POST /v1/predict`: the texts go through the micro-batcher; the answer has each text's label and scores (and
 * occlusion explanations with `"explain": true`) and the model reference. A request that outlives
 * `limits.timeoutMs` gets 503 `TIMEOUT`; a client that disconnects is logged with 499 and its queued texts are
 * dropped.
 *
 * @param fastify - The plugin's scope.
 * @param controller - The served model's state.
 * @param errors - The error responses of the schema.
 * @param logRequests - Whether to write the 499 request line of a client that went away.
 * @example
 * ```ts
 * registerPredictRoute(fastify, controller, errorResponses(true), true);
 * ```
 */
export function registerPredictRoute(fastify: FastifyInstance, controller: ServeController, errors: ErrorResponses, logRequests: boolean): void {
  const { limits } = controller;
  fastify.post<{ Body: PredictBody }>('/v1/predict', { schema: predictSchema(limits, errors), bodyLimit: limits.maxBodyBytes }, async (request, reply) => {
    const current = controller.model;
    const active = controller.batcher;
    if (controller.state !== 'ready' || current === undefined || active === undefined) return notReady(reply);
    const { texts, explain } = request.body;
    setRequestTexts(request, texts.length);
    if (explain === true && texts.length > limits.maxExplainTexts) {
      return reply
        .code(422)
        .send(
          errorBody(
            'INVALID_REQUEST',
            `texts has ${texts.length} items, over the limit of ${limits.maxExplainTexts} with "explain": true (glossa serve --max-explain-texts). Explain fewer texts per request.`,
            { field: 'texts', limit: limits.maxExplainTexts },
          ),
        );
    }
    const labels = current.classifier.labels;
    // Our own deadline and disconnect detection: fastify 5.12's handlerTimeout/request.signal abort as
    // soon as a POST body has been read (fastify/fastify#6725), so they cannot be used here.
    const controllerOfRequest = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controllerOfRequest.abort();
    }, limits.timeoutMs);
    const onClose = (): void => {
      if (!reply.raw.writableFinished) controllerOfRequest.abort();
    };
    reply.raw.once('close', onClose);
    const aborted = new Promise<never>((_, reject) => {
      controllerOfRequest.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const submitted = active.submit(texts, controllerOfRequest.signal);
      request.log.debug({ texts: texts.length, queuedTexts: active.queuedTexts }, 'queued');
      submitted.catch(() => undefined); // a late failure after the race is lost is not unhandled
      const rows = await Promise.race([submitted, aborted]);
      const predictions: PredictionJSON[] = rows.map((row) => toPredictions(labels, row, 1)[0] as PredictionJSON);
      if (explain === true) {
        for (let i = 0; i < texts.length; i++) {
          const prediction = predictions[i] as PredictionJSON;
          const explaining = current.classifier.explain(texts[i] as string, { label: prediction.label });
          explaining.catch(() => undefined); // lost races must not become unhandled rejections
          const explanation = await Promise.race([explaining, aborted]);
          prediction.explanation = { label: explanation.label, method: explanation.method, tokens: explanation.tokens };
        }
      }
      if (controllerOfRequest.signal.aborted) throw new Error('aborted');
      return {
        predictions,
        model: { id: current.id, name: current.name, architecture: current.manifest.architecture, createdAt: current.manifest.createdAt },
      };
    } catch (error) {
      if (timedOut) {
        return reply
          .code(503)
          .header('Retry-After', '1')
          .send(
            errorBody(
              'TIMEOUT',
              `the request was not answered within ${limits.timeoutMs} ms (glossa serve --timeout-ms); the server is overloaded. Retry later or send fewer texts.`,
              { limit: limits.timeoutMs },
            ),
          );
      }
      if (controllerOfRequest.signal.aborted) {
        // The client went away: fastify's onResponse never runs for a destroyed response, so the
        // request line is written here, with nginx's 499 (client closed request).
        if (logRequests) logRequest(request, 499, reply.elapsedTime);
        return reply.code(499).send(errorBody('CLIENT_CLOSED', 'the client closed the connection.'));
      }
      throw error;
    } finally {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    }
  });
}
