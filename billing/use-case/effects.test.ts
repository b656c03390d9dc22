import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../lib/queue.js';
import { createTestContainer, type TestContainer } from '../../test/helpers/container.js';
import { collectEffects } from './effects.js';

let c: TestContainer;
let kicks = 0;
before(async () => {
  c = await createTestContainer();
});
after(async () => {
  await c.dispose();
});

const sink = () => collectEffects({ nasControl: c.queues.queue(QUEUES.nasControl), kickNotifications: async () => void kicks++, log: c.log });
const jobIds = async () => (await c.queues.queue(QUEUES.nasControl).getJobs(['waiting', 'delayed'])).map((j) => String(j.id)).sort();

test('what a rolled-back transaction pushed never reaches the router; what committed does, once', async () => {
  const e = sink();
  await e.transaction(c.db, async () => {
    e.accessChanged({ subscriptionId: 1, reason: 'dunning_soft_limit' }, 'v2');
  });
  await assert.rejects(
    e.transaction(c.db, async (trx) => {
      await trx.raw('SELECT 1');
      e.accessChanged({ subscriptionId: 2, reason: 'dunning_suspend' }, 'v3');
      e.notificationsQueued();
      throw new Error('deadlock detected');
    }),
    /deadlock detected/,
  );
  assert.deepEqual(e.pending, { nasControl: 1, notify: false });
  await e.flush();
  assert.deepEqual(await jobIds(), ['sub-1-v2']);
  assert.equal(kicks, 0, 'no messages committed: the dispatcher is not woken');

  // The retry commits: its job is queued (the rolled-back one never took the job id).
  await e.transaction(c.db, async () => {
    e.accessChanged({ subscriptionId: 2, reason: 'dunning_suspend' }, 'v3');
    e.notificationsQueued();
  });
  await e.flush();
  assert.deepEqual(await jobIds(), ['sub-1-v2', 'sub-2-v3']);
  assert.equal(kicks, 1);
  await e.flush();
  assert.deepEqual(await jobIds(), ['sub-1-v2', 'sub-2-v3'], 'flushed once');
});

test('2,500 access changes from one step are queued in batches, each once', async () => {
  const e = sink();
  await e.transaction(c.db, async () => {
    for (let id = 1000; id < 3500; id++) e.accessChanged({ subscriptionId: id, reason: 'dunning_suspend' }, 'v2');
  });
  await e.flush();
  const ids = (await jobIds()).filter((id) => /^sub-\d{4}-v2$/.test(id));
  assert.equal(ids.length, 2500);
});
