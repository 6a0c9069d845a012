"""SMS through an HTTP gateway (`YISHI_SMS_URL`), one JSON POST per message, in the shape
China's SMS providers take: phone, sign, template code, params (and the rendered text)."""

from __future__ import annotations

from dataclasses import dataclass, field

from notifications.channels.base import Message, Result
from notifications.channels.http import post_json
from notifications.links import absolute
from notifications.models import ChannelName
from notifications.texts import SMS_LIMIT


@dataclass
class SmsChannel:
    """Posts `{"phone","sign","template","params","text","out_id"}` to the gateway."""

    url: str
    sign: str
    #: kind -> the template code registered with the provider (default YISHI_<KIND>)
    templates: dict[str, str] = field(default_factory=dict)
    token: str = ""
    name: ChannelName = ChannelName.SMS

    def payload(self, message: Message) -> dict[str, object]:
        """The request body (documented in the README)."""
        text = message.texts.sms
        if len(text) > SMS_LIMIT:
            raise ValueError(f"SMS text over {SMS_LIMIT} characters: {text!r}")
        template = self.templates.get(message.kind, f"YISHI_{message.kind.upper()}")
        fields = message.texts.wechat
        return {"phone": message.address, "sign": self.sign, "template": template,
                "params": {"title": fields.get("thing1", ""), "time": fields.get("time2", ""),
                           "note": fields.get("thing3", ""), "url": absolute(message.texts.url)},
                "text": text,
                "lang": message.lang, "out_id": message.reference}

    def send(self, message: Message) -> Result:
        """One POST; a 2xx is accepted."""
        result, _answer = post_json(self.url, self.payload(message), token=self.token)
        return result
