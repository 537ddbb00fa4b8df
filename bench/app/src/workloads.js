// Benchmark workloads: the shapes of the reference benchmarks, with no-op activities so the figures
// measure the emulator, not the work.
const df = require('durable-functions');

df.app.activity('noop', { handler: (input) => input });

// HelloSequence3: three activities in a row.
df.app.orchestration('hello3', function* (context) {
  const a = yield context.df.callActivity('noop', 'Tokyo');
  const b = yield context.df.callActivity('noop', 'Seattle');
  const c = yield context.df.callActivity('noop', 'London');
  return [a, b, c];
});

// Fan-out/fan-in of N activities.
df.app.orchestration('fanOut', function* (context) {
  const n = context.df.getInput();
  const tasks = [];
  for (let i = 0; i < n; i++) tasks.push(context.df.callActivity('noop', i));
  const results = yield context.df.Task.all(tasks);
  return results.reduce((sum, value) => sum + value, 0);
});

// N activities in sequence (a long history: 4 events per step).
df.app.orchestration('sequence', function* (context) {
  const n = context.df.getInput();
  let last = 0;
  for (let i = 0; i < n; i++) last = yield context.df.callActivity('noop', i);
  return last;
});

df.app.entity('counter', (context) => {
  const value = context.df.getState(() => 0);
  if (context.df.operationName === 'add') context.df.setState(value + context.df.getInput());
  else if (context.df.operationName === 'get') context.df.return(value);
});

// Human interaction with nobody answering: an event raced against a 72-hour timer (the testing library's bench).
df.app.orchestration('approval72h', function* (context) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 72 * 3600 * 1000);
  const timer = context.df.createTimer(deadline);
  const approval = context.df.waitForExternalEvent('Approval');
  const winner = yield context.df.Task.any([approval, timer]);
  if (winner === approval) timer.cancel();
  return winner === approval ? 'approved' : 'timed out';
});
