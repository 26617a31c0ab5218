// client.js: the node peer of tests/bench/run.sh (the https module).
// One HTTPS GET with the Authorization header, trusting only the CA file given,
// the body read and dropped.
// usage: node client.js CAFILE URL   (token from $ATLWHO_TOKEN)
'use strict';
const fs = require('fs');
const https = require('https');

const req = https.get(process.argv[3], {
  ca: fs.readFileSync(process.argv[2]),
  agent: false,
  headers: {
    Authorization: 'Bearer ' + (process.env.ATLWHO_TOKEN || ''),
    Accept: 'application/json',
  },
}, (res) => {
  res.on('data', () => {});
  res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 7));
});
req.on('error', (e) => { console.error('client.js:', e.message); process.exit(5); });
