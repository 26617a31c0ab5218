// client.js: the node peer of tests/bench/run.sh (the https module).
// One HTTPS GET with the Authorization header, trusting only the CA file given,
// the body read and dropped.
// usage: node client.js CAFILE URL   (token from $ATLWHO_TOKEN)
//        node client.js --pin sha256//BASE64 URL   (no CA: only the server's
//        SubjectPublicKeyInfo is checked when the handshake completes)
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');

const pin = process.argv[2] === '--pin' ? process.argv[3] : null;
const url = pin ? process.argv[4] : process.argv[3];
const opts = {
  agent: false,
  headers: {
    Authorization: 'Bearer ' + (process.env.ATLWHO_TOKEN || ''),
    Accept: 'application/json',
  },
};
if (pin) {
  // The handshake does not verify the chain; the pin is checked when it
  // completes (secureConnect), and a mismatch ends the process.
  opts.rejectUnauthorized = false;
} else {
  opts.ca = fs.readFileSync(process.argv[2]);
}
const req = https.get(url, opts, (res) => {
  res.on('data', () => {});
  res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 7));
});
if (pin) {
  req.on('socket', (s) => s.once('secureConnect', () => {
    const cert = new crypto.X509Certificate(s.getPeerCertificate().raw);
    const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
    if ('sha256//' + crypto.createHash('sha256').update(spki).digest('base64') !== pin) {
      console.error('client.js: public key does not match the pin');
      process.exit(6);
    }
  }));
}
req.on('error', (e) => { console.error('client.js:', e.message); process.exit(5); });
