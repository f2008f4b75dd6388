// Joins a racket relay from Node.js 18+ with no packages: Server-Sent Events to listen, POST to emit.
//
//   node examples/node/racket-join.mjs [relay url] [seconds to wait]
//
// Listens to greeting.> , says hello once the stream is open, prints what arrives, and exits 0 once it
// has seen its own greeting and one from another process (1 if that takes longer than the wait).
const relay = (process.argv[2] ?? 'http://localhost:14440').replace(/\/$/, '');
const waitSeconds = Number(process.argv[3] ?? 60);
const name = 'node-script';

const timer = setTimeout(() => {
  console.log(`no greeting from another process within ${waitSeconds} s`);
  process.exit(1);
}, waitSeconds * 1000);

async function emit(type, body) {
  const res = await fetch(`${relay}/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Racket-Name': name },
    body: JSON.stringify({ type, ...body }),
  });
  if (!res.ok) throw new Error(`emit failed: ${res.status} ${await res.text()}`);
  return (await res.json()).ids[0];
}

let sawMine = false;
let sawOther = false;

function onEvent(envelope) {
  const from = envelope.origin.name ?? envelope.origin.host;
  console.log(`received ${envelope.type} from ${from}: ${JSON.stringify(envelope.body)}`);
  if (from === name) sawMine = true; else sawOther = true;
  if (sawMine && sawOther) {
    clearTimeout(timer);
    console.log('done');
    process.exit(0);
  }
}

const res = await fetch(`${relay}/events?types=${encodeURIComponent('greeting.>')}`, {
  headers: { Accept: 'text/event-stream' },
});
if (!res.ok) throw new Error(`subscribe failed: ${res.status}`);

// SSE: events are blocks of "field: value" lines ended by an empty line; lines starting with ':' are comments.
const decoder = new TextDecoder();
let buffer = '';
let data = [];
let greeted = false;
for await (const chunk of res.body) {
  buffer += decoder.decode(chunk, { stream: true });
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline).replace(/\r$/, '');
    buffer = buffer.slice(newline + 1);
    if (line.startsWith(':')) {
      if (!greeted) {
        // The relay's first comment says the subscription is in place: from now on nothing is missed.
        greeted = true;
        console.log('subscribed');
        const id = await emit('greeting.node', { from: 'Node.js' });
        console.log(`emitted greeting.node, id ${id}`);
      }
    } else if (line.startsWith('data:')) {
      data.push(line.slice(5).trimStart());
    } else if (line === '' && data.length) {
      onEvent(JSON.parse(data.join('\n')));
      data = [];
    }
  }
}
