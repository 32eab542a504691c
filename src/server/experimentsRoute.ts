// GET /experiments: the experiment report as a page (?experiment=<name>, default the running one).
// Where auth is on it needs an admin token (Authorization: Bearer), as the experimentReport query.
import type { Router } from 'express';
import type { Viewer } from '../resolvers/context';
import type { ExperimentCounter } from '../experiments/counter';
import { renderExperimentPage } from '../experiments/page';

export function mountExperimentsPage(router: Router, experiments: ExperimentCounter, viewerFrom: (authorization: unknown) => Viewer): void {
  router.get('/experiments', async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = viewerFrom(req.headers.authorization);
    } catch (err) {
      return void res
        .status(401)
        .type('text/plain')
        .send(`${err instanceof Error ? err.message : 'bad token'}\n`);
    }
    if (viewer.authEnabled && !viewer.admin) {
      return void res
        .status(viewer.userId ? 403 : 401)
        .type('text/plain')
        .send('the experiment report needs an admin token (Authorization: Bearer <token with role admin>)\n');
    }
    const wanted = typeof req.query.experiment === 'string' && /^[\w.-]{1,40}$/.test(req.query.experiment) ? req.query.experiment : null;
    try {
      const [report, names] = await Promise.all([experiments.report(wanted), experiments.experiments()]);
      res.type('html').send(renderExperimentPage(report, names));
    } catch (err) {
      res
        .status(503)
        .type('text/plain')
        .send(`the experiment report could not be read: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}
