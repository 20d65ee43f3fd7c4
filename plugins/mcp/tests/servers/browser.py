"""A stand-in for the user's browser, named by ``$BROWSER`` in the OAuth tests.

``python browser.py URL``: follows URL and its redirects (the authorization server's
/authorize answers with a redirect to corral's loopback callback) as a browser would, and
appends each URL it was given to the file ``$BROWSER_LOG``.
"""

from __future__ import annotations

import os
import sys
import urllib.request

url = sys.argv[1]
with open(os.environ["BROWSER_LOG"], "a", encoding="utf-8") as log:
    log.write(url + "\n")
with urllib.request.urlopen(url, timeout=30) as response:
    sys.exit(0 if response.status == 200 else 1)
