"""Off-forum contact handles and "DM me" invitations: the scam signal that keeps an answer
from being accepted by a volunteer (staff accept it after a look). Pure; stdlib only.

Scammers answer wallet questions with "message me on Telegram" and then ask for the phrase,
so any answer that moves help off the forum is treated as risky, in English and Chinese.
"""

from __future__ import annotations

import re

_APPS = r"(?:telegram|tg|whats\s?app|wechat|weixin|wx|vx|qq|line|signal|discord|skype|kakao|viber)"
_CONTACT = re.compile(
    r"""
    (?:https?://)?(?:www\.)?
      (?:t\.me|telegram\.(?:me|dog)|wa\.me|chat\.whatsapp\.com|discord\.gg|line\.me|signal\.me)
      /\S+                                                  # invite and profile links
    | \b(?:dm|pm|inbox|message|msg|text|ping|whats\s?app|telegram)\s+me\b
    | \b(?:contact|reach|add)\s+me\s+(?:on|via|at|in)\b
    | \b"""
    + _APPS
    + r"""\s*(?:id|number|no\.?|handle|号)?\s*[:：@]\s*@?[\w.\-]{4,}
    | \b"""
    + _APPS
    + r"""\s+@[\w.\-]{4,}
    | 私聊 | 私信我 | 私我 | 私下联系 | 加我(?:微信|vx|v信|qq|好友|电报|飞机)
    | 加(?:微信|v信|vx|wx|qq|扣扣) | (?:微信|v信|vx|qq|扣扣|电报|飞机|纸飞机)(?:号)?\s*[:：]?\s*@?[\w\-]{5,}
    """,
    re.IGNORECASE | re.VERBOSE,
)


def mentions_contact(text: str) -> bool:
    """Whether the text invites the reader to private chat or names a messenger handle."""
    return _CONTACT.search(text) is not None
