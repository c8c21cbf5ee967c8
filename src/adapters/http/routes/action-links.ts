import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { linkState, useActionLink, type ActionLinkDeps, type LinkOutcome, type LinkState } from '../../../core/alerts/action-link-commands.ts';
import { ACTION_WORDS, LINK_SILENCE_MINUTES, type LinkAction } from '../../../core/alerts/action-links.ts';
import { alertLink } from '../../../core/alerts/notify.ts';
import { AppError, conflict, isAppError } from '../../../core/errors.ts';
import { seriesKeyOut } from '../../../core/executions/transitions.ts';
import type { Alert } from '../../../core/alerts/alert.ts';
import { ACTION_PAGE_HEADERS, sendActionPage, type ActionPage } from '../action-link-page.ts';

const tags = ['Action links'];
/** Tokens are about 70 characters; anything much longer is not one (and is refused before any look-up). */
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

const DONE: Record<LinkAction, string> = { acknowledge: 'Acknowledged', resolve: 'Resolved', silence: `Silenced for ${LINK_SILENCE_MINUTES} minutes` };

const alertFacts = (a: Alert): (readonly [string, string])[] => [
  ['Alert', a.subject], ['KPI', a.indicator], ...(a.key === '' ? [] : [['Key', String(seriesKeyOut(a.key))] as const]),
  ['Severity', a.severity], ['Status', a.status], ['Opened', a.openedAt.toISOString()],
];

/** The page, or for a client that does not take HTML (an API client, a fuzzer) the same refusal as problem+json. */
function answer(request: FastifyRequest, reply: FastifyReply, page: ActionPage, refusal: AppError | null): FastifyReply {
  if (refusal !== null && !String(request.headers.accept ?? '').includes('text/html')) throw refusal;
  return sendActionPage(reply, page);
}

const INVALID = new AppError('not_found', 'this link is not valid');
const invalidPage: ActionPage = { status: 404, title: 'This link is not valid', paragraphs: ['Check that the whole link was copied from the message.'] };

function refusedPage(o: Exclude<LinkOutcome, { kind: 'done' }>): [ActionPage, AppError] {
  if (o.kind === 'invalid') return [invalidPage, INVALID];
  if (o.kind === 'expired') {
    const detail = `This link expired at ${o.expiresAt.toISOString()}: action links work for 24 hours. Open the alert on the dashboard instead.`;
    return [{ status: 410, title: 'This link has expired', paragraphs: [detail] }, new AppError('gone', detail)];
  }
  const detail = `This link was used already, at ${o.use.usedAt.toISOString()}: each link works once.`;
  return [{ status: 409, title: 'This link was used already', paragraphs: [detail] }, new AppError('conflict', detail)];
}

/** What GET shows of a usable link: the alert and a button, or that a resolved alert leaves nothing to do. */
function confirmationPage(state: Extract<LinkState, { kind: 'usable' }>): [ActionPage, AppError | null] {
  const { action, alert, notification } = state;
  if (alert.status === 'resolved') {
    const page = { status: 409, title: 'Nothing to do', paragraphs: [`The alert is resolved already (${alert.resolvedAt?.toISOString() ?? ''}).`], facts: alertFacts(alert) };
    return [page, conflict(`alert ${alert.id} is resolved already`, { status: alert.status })];
  }
  const already = action === 'acknowledge' && alert.status === 'acknowledged' ? [`It was acknowledged already by ${alert.acknowledgedBy ?? 'someone'}.`] : [];
  return [{
    status: 200, title: `${ACTION_WORDS[action]} this alert?`,
    paragraphs: [`This link was sent to ${notification.recipient}. Nothing happens until you confirm.`, ...already, `It works once, until ${state.expiresAt.toISOString()}.`],
    facts: alertFacts(alert), button: ACTION_WORDS[action],
  }, null];
}

/**
 * The pages of the action links in messages (access `action-link`: the token is the credential). GET
 * shows what the link would do and changes nothing, so a mail scanner that follows links does no harm;
 * the action is the POST of the page's form.
 */
export const actionLinkRoutes: FastifyPluginAsyncTypebox<{ deps: ActionLinkDeps }> = async (app, { deps }) => {
  // The page's form posts url-encoded; it carries no field the action needs (the token is in the URL).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));
  app.addHook('onRequest', async (_request, reply) => void reply.headers(ACTION_PAGE_HEADERS));

  app.get('/actions/:token', {
    config: { access: 'action-link' },
    schema: { tags, summary: 'The confirmation page of an action link (HTML); changes nothing', params: TokenParams },
  }, async (request, reply) => {
    const state = await linkState(deps, deps.uow.read, request.params.token);
    if (state.kind !== 'usable') return answer(request, reply, ...refusedPage(state));
    return answer(request, reply, ...confirmationPage(state));
  });

  app.post('/actions/:token', {
    config: { access: 'action-link' },
    schema: { tags, summary: 'Use an action link: acknowledge, resolve, or silence the alert for an hour (once)', params: TokenParams },
  }, async (request, reply) => {
    let outcome: LinkOutcome;
    try {
      outcome = await useActionLink(deps, request.params.token, request.correlationId);
    } catch (e) {
      // The alert's state refuses the action (resolved already): the link stays unused.
      if (!isAppError(e) || e.code !== 'conflict') throw e;
      return answer(request, reply, { status: 409, title: 'Nothing to do', paragraphs: [`${e.message}.`] }, e);
    }
    if (outcome.kind !== 'done') return answer(request, reply, ...refusedPage(outcome));
    const { alert, silence } = outcome;
    const until = silence === null ? [] : [`Nobody is notified of it until ${silence.endsAt}.`];
    return answer(request, reply, {
      status: 200, title: DONE[outcome.action],
      paragraphs: [`Done: the alert is ${alert.status}${silence === null ? '' : ' and silenced'}.`, ...until, `The alert on the dashboard: ${alertLink(deps.settings, alert.id)}`],
      facts: alertFacts(alert),
    }, null);
  });
};
