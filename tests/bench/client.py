# client.py: the Python peer of tests/bench/run.sh (standard library urllib).
# One HTTPS GET with the Authorization header, trusting only the CA file given,
# the body read in 64 KiB pieces and dropped.
# usage: python3 client.py CAFILE URL   (token from $ATLWHO_TOKEN)
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
req = urllib.request.Request(sys.argv[2], headers={
    "Authorization": "Bearer " + os.environ.get("ATLWHO_TOKEN", ""),
    "Accept": "application/json"})
with urllib.request.urlopen(req, context=ctx) as r:
    while r.read(65536):
        pass
    sys.exit(0 if r.status == 200 else 7)
