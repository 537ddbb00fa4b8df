import { app, InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';

// A nightly timer starter: every day at 02:00 UTC (NCRONTAB, seconds first) it starts the
// `fanOutFanIn` orchestration. The timer follows the emulator's clock, so you need not wait
// until 2 am: move the clock a day forward, or run the function now by hand (the host's admin API).
//
//   curl -s -X POST http://localhost:7071/emulator/v1/clock/advance -H 'Content-Type: application/json' -d '{"ms": 86400000}'
//   curl -s -X POST http://localhost:7071/admin/functions/nightlyReport -H 'Content-Type: application/json' -d '{"input": ""}'

app.timer('nightlyReport', {
    schedule: '0 0 2 * * *',
    extraInputs: [df.input.durableClient()],
    handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
        const client = df.getClient(context);
        const instanceId = await client.startNew('fanOutFanIn', { input: { count: 3 } });
        const late = timer.isPastDue ? ' (past due: the schedule was missed while the app was down)' : '';
        context.log(`Nightly report started '${instanceId}'${late}.`);
    },
});
