"""Off-forum contact handles, "DM me" invitations and requests for the recovery phrase: the
scam signals that hold a new member's post for review and keep an answer from being accepted
by a volunteer. Pure; stdlib only.

Scammers answer wallet questions with "message me on Telegram" and then ask for the phrase,
so any answer that moves help off the forum is treated as risky, in English and Chinese.
"""

from __future__ import annotations

import re
import unicodedata

CONTACT, INVITE, SECRET_REQUEST = "contact", "invite", "secret_request"

_APPS = (
    r"(?:telegram|tele\s?gram|tg|whats\s?app|wechat|weixin|wx|vx|qq|line|signal|discord"
    r"|skype|kakao|viber|instagram|insta|twitter|x\.com)"
)
_CN_APPS = r"(?:微\s?信|v\s?信|威信|薇信|vx|wx|qq|扣扣|电报|飞机|纸飞机|企业微信|line|whatsapp)"
_CONTACT = re.compile(
    r"""
    (?:https?://)?(?:www\.)?
      (?:t\.me|telegram\.(?:me|dog)|wa\.me|chat\.whatsapp\.com|discord\.gg|discord\.com/invite
         |line\.me|signal\.me|signal\.group)
      /\S+                                                  # invite and profile links
    | \b"""
    + _APPS
    + r"""[,，]?\s*(?:id|number|no\.?|handle|username|group)?\s*[:：@]\s*@?[\w.\-+#]{4,}
    | \b"""
    + _APPS
    + r"""\s+(?:me\s+)?@[\w.\-]{4,}
    | (?<![\w.])@[A-Za-z][\w]{4,}\s+(?:on|in|via|at)\s+"""
    + _APPS
    + r"""
    | \b(?:live:|skype:)[\w.\-]{4,}
    | \b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b                   # e-mail address
    | \b[\w.+\-]+\s*[\[(]\s*at\s*[\])]\s*[\w\-]+             # "name [at] domain"
    | (?<![\w.])\+\d{1,3}[\s\-.]?\(?\d{1,4}\)?(?:[\s\-.]?\d{2,5}){2,4}(?!\w|\.\d)  # phone
    | (?<![\w.])\(?\d{3}\)?[\s\-.]\d{3}[\s\-.]\d{4}(?![\w.])    # 415-555-0192
    | (?<!\d)1[3-9]\d{9}(?!\d) | (?<![\w.])0\d{2,3}-\d{3,4}-?\d{4}(?!\d)  # CN mobile, landline
    | (?<!\d)(?:400|800)[\s\-]?\d{3,4}[\s\-]?\d{3,4}(?!\d)  # CN hotlines
    | \b"""
    + _CN_APPS
    + r"""\s*(?:号|id|群)?\s*[:：]?\s*@?[A-Za-z][A-Za-z0-9_\-]{4,}
    | (?<![A-Za-z])[vV]\s*[:：]\s*@?[A-Za-z0-9_\-]{4,}
    | (?:微\s?信|v\s?信|(?<![A-Za-z0-9])(?:vx|qq|whatsapp|telegram|line)|扣扣|电报|飞机|纸飞机)
      (?:号|群)?[^，。,.\n]{0,12}?[:：]\s*@?[A-Za-z0-9][A-Za-z0-9_\- ]{4,}
    | (?:微信|v信|(?<![A-Za-z0-9])(?:vx|qq)|扣扣|电报|飞机|纸飞机)(?:号|群)?\s*@?[A-Za-z0-9_\-]{5,}
    | """
    + _APPS
    + r""".{0,40}?(?<![\w.@])@[A-Za-z]\w{3,} | (?<![\w.@])@[A-Za-z]\w{3,}.{0,40}?\b"""
    + _APPS
    + r"""\b
    | (?<![A-Za-z0-9])(?:qq|扣扣)(?:号|群)?\s*[:：]?\s*\d{5,11}
    | [:：]\s*\d{6,11}(?!\d)(?=\s*[，,。]?\s*(?:进群|找我|找管理|远程))
    | (?:customer\s+(?:care|service)|help\s?line|hotline|support)\s+(?:line|number|email)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Invitations to move the conversation private, with or without a handle.
_INVITE = re.compile(
    r"""
    \b(?:dm|pm|inbox|message|msg|text|ping|whats\s?app|telegram|tg|email|mail|write|call)\s+me\b
    | \b(?:shoot|send|drop)\s+(?:me\s+)?(?:a\s+)?(?:dm|pm|message|private\s+message|mail)\b
    | \bhit\s+me\s+up\b
    | \b(?:dm|pm)\s+(?:him|her|them|us|@\w+)\b
    | \b(?:contact|reach|add|message|write|email|call|text|talk\s+to)\s+(?:me|us|him|her|them
        |our\s+\w+(?:\s+\w+)?|the\s+(?:admin|agent|engineer|technician|support\s+\w+)|mr\.?\s+\w+)
        \s+(?:on|via|at|in|through|privately|directly|for)\b
    | \b(?:contact|message|write|talk\s+to|reach)\s+(?:me|us)\s+(?:privately|in\s+private)\b
    | \b(?:message|write|talk\s+to)\s+me\s+privately\b
    | \b(?:in\s+(?:private|a\s+private\s+chat|dm|pm)|private\s+(?:chat|message))\b.{0,40}
        \b(?:solve|fix|explain|share|send|help|resolve)
    | \b(?:solve|fix|explain|share|send|help|resolve)\w*\b.{0,40}\b(?:in\s+private|private\s+chat
        |privately|via\s+dm|in\s+dm)\b
    | \b(?:check|see|in)\s+my\s+(?:bio|profile|signature)\b
    | \b(?:in|via|by|over)\s+(?:dms?|pms?)\b | \b(?:anydesk|teamviewer|rustdesk)\b | 向日葵 | 远程(?:协助|控制|帮)
    | \bsearch\s+["“][^"”]{2,40}["”]\s+(?:on|in)\s+(?:google|baidu|bing)\b
    | \b(?:link|number|contact|email|id)\s+(?:is\s+)?in\s+my\s+(?:bio|profile)\b
    | \b(?:dm|pm)\s+(?:me|directly)\b | \bdm\s+@\w+ | \b(?:dm|pm)\s+me\s+your\b
    | \b(?:telegram|whats\s?app|tg|text)\s+me\b
    | (?<!不会)(?<!不要)(?<!别)私聊 | 私信(?:我|管理员|发|给我) | 私我 | 私下联系 | 联系我 | 找我(?:解决|处理|就行)?
    | (?<![增参更追附外叠添])加我(?![的们])
    | (?<![增参更追附外叠])加(?:微信|v信|vx|wx|qq|扣扣|电报|飞机|好友|群|客服)
    | (?:联系|添加|找)(?:官方)?(?:人工)?客服 | 进群 | (?:看|见|在)我的?(?:主页|签名|头像)
    | (?:联系方式|微信号|电话)(?:在|见)
    | (?:加的时候|添加时)备注
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PHRASE_NAMES = (
    r"(?:recovery|seed|secret|mnemonic|backup|your|the)\s*(?:phrase|words?)|private\s*key"
    r"|\b1[28]\s*-?\s*words?"
    r"|\b24\s*-?\s*words?|助记词|私钥|keystore|12\s*个\s*(?:单词|词)|24\s*个\s*(?:单词|词)"
)
_ASK_VERBS = (
    r"\b(?:send|shar|giv|provid|post|tell|dm|submit|enter|typ|upload|import|input|past|email)\w*"
    r"|发给|发我|发到|发送|发一下|提供|输入|告诉|填写|填入|提交|导入|私聊发|给我|截图发"
)
_SECRET_REQUEST = re.compile(
    rf"(?:{_ASK_VERBS}).{{0,40}}?(?:{_PHRASE_NAMES})|(?:{_PHRASE_NAMES}).{{0,30}}?(?:{_ASK_VERBS})",
    re.IGNORECASE,
)
# A sentence that warns ("never share your phrase") is advice, not a request.
_NEGATION = re.compile(
    r"\b(?:never|don'?t|do\s+not|not|no\s+one|nobody|anyone\s+who|whoever|if\s+(?:someone|a\s+site"
    r"|anyone|you))\b|千万|不要|别|切勿|不会|绝不|谁要|骗子|一定是|只有|只会|以后|如果|要是",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
# What the sender wants done with the phrase: to someone, somewhere (not "into the app").
_DESTINATION = re.compile(
    r"\b(?:me|us|here|support|agent|admin|team|form|page|site|bot|email|dapp|tool|devs?"
    r"|technical|engineer|verif\w*|validat\w*|sync|I'?ll|I\s+will)\b"
    r"|我|客服|技术|表单|页面|网站|邮箱|工具|验证|同步|这边|管理员|工作人员",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    """Full width to ASCII and the spaced-out "w h a t s a p p" trick undone."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b", lambda m: m.group(0).replace(" ", ""), text)


def findings(text: str) -> set[str]:
    """The scam signals in a text: a contact handle, an invitation to private chat, or a
    request for the recovery phrase or a key."""
    text = _fold(text)
    found: set[str] = set()
    if _CONTACT.search(text):
        found.add(CONTACT)
    if _INVITE.search(text):
        found.add(INVITE)
    if _asks_for_secret(text):
        found.add(SECRET_REQUEST)
    return found


def _asks_for_secret(text: str) -> bool:
    sentences = _SENTENCE.findall(text)
    for i, sentence in enumerate(sentences):
        # the destination may be in the next sentence: "Share your phrase? I'll import it."
        near = sentence + " ".join(sentences[i + 1 : i + 2])
        if (
            _SECRET_REQUEST.search(sentence)
            and _DESTINATION.search(near)
            and not _NEGATION.search(sentence)
        ):
            return True
    return False


def mentions_contact(text: str) -> bool:
    """Whether the text invites the reader to private chat or names a messenger handle."""
    return bool(findings(text) & {CONTACT, INVITE})
