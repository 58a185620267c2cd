"""Signs Viewpulse live-statistics requests the way Uplynk's API expects, with the same interface as Uplynk's
published api_auth module (APICredentials, APIParams(credentials).get_params(data)), so Uplynk's samples run unchanged.

msg = base64(zlib(json({...data, "_owner": user id, "_timestamp": unix seconds}), level 9))
sig = hex(HMAC-SHA256(key = API secret, message = msg))

Set VIEWPULSE_USER_ID (your account id) and VIEWPULSE_API_SECRET (a secret API key), or edit the properties below.
"""
import base64
import hashlib
import hmac
import json
import os
import time
import zlib


class APICredentials:
    """Who signs: the account id (Uplynk's user id, the _owner) and one of its secret API keys."""

    @property
    def user_id(self):
        return os.environ.get("VIEWPULSE_USER_ID", "")

    @property
    def secret(self):
        return os.environ.get("VIEWPULSE_API_SECRET", "")


class APIParams:
    """Turns request parameters into the signed msg and sig parameters."""

    def __init__(self, credentials):
        self.credentials = credentials

    def get_params(self, data):
        payload = dict(data)
        payload["_owner"] = self.credentials.user_id
        payload["_timestamp"] = int(time.time())
        msg = base64.b64encode(zlib.compress(json.dumps(payload).encode(), 9)).strip()
        sig = hmac.new(self.credentials.secret.encode(), msg, hashlib.sha256).hexdigest()
        return {"msg": msg, "sig": sig}
