/* global fetch */
// A --probe-cmd for the fake key-value DSB of the tests (`node kv-probe.mjs write|check`): `write` stores a value
// through the binding URL, `check` reads it back from the restored instance. Exit 0 = the data is there.
const url = process.env.OCOPEA_BINDING_URL;
const phase = process.argv[2];
if (phase === 'write') {
  const r = await fetch(url, { method: 'PUT', body: 'survived' });
  if (!r.ok) { console.error(`PUT ${url}: ${r.status} ${await r.text()}`); process.exit(1); }
} else if (phase === 'check') {
  const r = await fetch(url);
  const body = await r.text();
  if (!r.ok || JSON.parse(body).data !== 'survived') { console.error(`GET ${url}: ${r.status} ${body}`); process.exit(1); }
} else {
  console.error('usage: kv-probe.mjs write|check');
  process.exit(2);
}
