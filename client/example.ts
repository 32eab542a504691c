// The README's storefront client example: `npm start` in one terminal, `npx tsx client/example.ts` in
// another (PORT as the gateway's). Another shopper's session first, then a new shopper's list watched
// live while she views a product, asking for her refreshed list in the same call.
import WebSocket from 'ws';
import { createRecsClient, type RecsList } from './src';

const show = (list: RecsList) => list.items.map((i) => `${i.product.id} (${i.reason})`).join(', ');

async function main(): Promise<void> {
  const recs = createRecsClient({
    url: `http://127.0.0.1:${process.env.PORT || 4000}/graphql`,
    webSocketImpl: WebSocket, // Node 20 has no WebSocket of its own; a browser needs no such line
    // token: () => sessionToken,   // where the gateway has auth on (RECSYS_JWT_SECRET)
  });
  const bob = ['cof-espresso-beans', 'cof-burr-grinder', 'cof-moka-pot'];
  await recs.trackEvents(bob.map((productId) => ({ type: 'VIEW' as const, userId: 'bob', productId })));

  const alice = `alice-${Date.now().toString(36)}`; // a new shopper each run: her view changes her list
  let first: () => void;
  let pushed: () => void;
  const firstList = new Promise<void>((resolve) => (first = resolve));
  const push = new Promise<void>((resolve) => (pushed = resolve));
  const watch = recs.watchRecommendations(
    alice,
    (list) => {
      if (list.latencyMs === null) {
        console.log(`live  v${list.version} (current list): ${show(list)}`);
        return first();
      }
      console.log(`live  v${list.version} pushed ${list.latencyMs} ms after ${list.causedBy?.type} ${list.causedBy?.eventId}: ${show(list)}`);
      pushed();
    },
    { limit: 3 },
  );
  await firstList;

  const answer = await recs.trackView({ userId: alice, productId: 'cof-espresso-beans' }, { refreshed: { limit: 3 } });
  const { recommendations: list, missing } = answer.refreshed;
  console.log(`track accepted=${answer.accepted} eventId=${answer.eventId}, refreshed: ${list ? `v${list.version} ${show(list)}` : missing}`);
  await push;
  watch.stop();
  await recs.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
