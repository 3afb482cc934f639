// Runs jsforce, unmodified, against the sandbox: `node scenario.js tour|relogin`.
// Reads SF_INSTANCE_URL, SF_USERNAME, SF_PASSWORD, SOQL_MANY, SOSL from the environment
// (NODE_EXTRA_CA_CERTS makes Node trust the sandbox CA) and prints one JSON line per step.
'use strict';
const readline = require('readline');
const jsforce = require('jsforce');

const env = process.env;

function emit(step, value) {
  process.stdout.write(JSON.stringify({ step, value }) + '\n');
}

async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { name: e.name, errorCode: e.errorCode, message: e.message };
  }
}

async function login() {
  const conn = new jsforce.Connection({ loginUrl: env.SF_INSTANCE_URL });
  const info = await conn.login(env.SF_USERNAME, env.SF_PASSWORD);
  emit('login', { userId: info.id, organizationId: info.organizationId,
                  instanceUrl: conn.instanceUrl, version: conn.version });
  return conn;
}

async function tour() {
  const conn = await login();
  const many = await conn.query(env.SOQL_MANY, { autoFetch: true, maxFetch: 100000 });
  emit('query', { totalSize: many.totalSize, done: many.done,
                  ids: many.records.map((r) => r.Id) });
  const small = await conn.query(env.SOQL_MANY, {
    autoFetch: true, maxFetch: 100000, headers: { 'Sforce-Query-Options': 'batchSize=1000' } });
  emit('query_batch_1000', { totalSize: small.totalSize, count: small.records.length });
  const described = await conn.describe('Case');
  emit('describe', { name: described.name, fields: described.fields.map((f) => f.name) });
  const global = await conn.describeGlobal();
  emit('describeGlobal', { sobjects: global.sobjects.map((s) => s.name) });
  const ids = (await conn.query('SELECT Id FROM Case ORDER BY Id LIMIT 3')).records.map((r) => r.Id);
  const one = await conn.sobject('Case').retrieve(ids[0]);
  emit('retrieve_one', one);
  const some = await conn.sobject('Case').retrieve(ids[1], { fields: ['Subject', 'Status'] });
  emit('retrieve_fields', some);
  const several = await conn.sobject('Case').retrieve([ids[2], '500Wt00000XXXXXXXX', ids[0]]);
  emit('retrieve_many', several);
  emit('search', await conn.search(env.SOSL));
  const found = await conn.sobject('Account').find({ Name: { $like: 'Apex%' } }, ['Id', 'Name'])
    .sort('Name').limit(3);
  emit('find', found);
  emit('count', await conn.sobject('Case').count());
  emit('error_field', await failure(conn.query('SELECT Nme FROM Account')));
  emit('error_object', await failure(conn.describe('NoSuchObject__c')));
  emit('error_write', await failure(conn.sobject('Account').create({ Name: 'New Co' })));
}

async function relogin() {
  const conn = await login();
  let refreshes = 0;
  conn.on('refresh', () => { refreshes += 1; });
  const before = await conn.query('SELECT COUNT() FROM Account');
  emit('ready', { totalSize: before.totalSize, accessToken: conn.accessToken });
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once('line', resolve));  // the test expires the session
  lines.close();
  const after = await conn.query('SELECT COUNT() FROM Account');
  emit('after', { totalSize: after.totalSize, refreshes, changed: conn.accessToken });
}

const scenarios = { tour, relogin };
scenarios[process.argv[2]]().then(
  () => process.exit(0),
  (e) => { emit('fatal', { name: e.name, message: e.message, stack: e.stack }); process.exit(1); });
