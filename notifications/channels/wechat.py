"""WeChat subscription (template) messages through an HTTP gateway (`YISHI_WECHAT_URL`): one
JSON POST per message in WeChat's shape — touser (the openid), template_id, page, data."""

from __future__ import annotations

from dataclasses import dataclass, field

from notifications.channels.base import Message, Result
from notifications.channels.http import post_json
from notifications.links import absolute
from notifications.models import ChannelName


@dataclass
class WechatChannel:
    """Posts `{"touser","template_id","page","url","data":{field:{"value"}},"out_id"}`."""

    url: str
    #: kind -> the template id of the official account / mini-program (default yishi_<kind>)
    templates: dict[str, str] = field(default_factory=dict)
    token: str = ""
    name: ChannelName = ChannelName.WECHAT

    def payload(self, message: Message) -> dict[str, object]:
        """The request body (documented in the README)."""
        template = self.templates.get(message.kind, f"yishi_{message.kind}")
        return {"touser": message.address, "template_id": template,
                "page": message.texts.url, "url": absolute(message.texts.url),
                "data": {key: {"value": value} for key, value in message.texts.wechat.items()},
                "lang": "zh_CN" if message.lang == "zh" else "en_US",
                "out_id": message.reference}

    def send(self, message: Message) -> Result:
        """One POST; accepted when the status is 2xx and WeChat's `errcode` (if any) is 0."""
        result, answer = post_json(self.url, self.payload(message), token=self.token)
        if result.ok and isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            return Result(False, result.answer, permanent=False)
        return result
