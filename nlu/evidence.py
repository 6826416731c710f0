"""What a message names besides the gazetteer's exact spans, and the intent that this evidence supports.

The intent classifier guesses from character n-grams; a weak guess must not outweigh what the message plainly
names. This module holds the evidence and the re-ranking rule, free of Rasa (nlu/components/evidence_ranker.py
runs it inside the pipeline):

- derived entities: an item named by a certificate and an action anywhere in the message ("驾照弄丢了还能补办吗"
  → 驾驶证补证), a 便民应用 named by its name, alias or the thing it pays or queries ("燃气费在哪里交" → 水电气缴费),
  an item said in pieces ("户口想迁到省城来" → 户口迁入), a life situation → its 一件事
  ("我老婆前天生了个闺女" → 新生儿出生一件事);
- explicit cues of the transactional intents (进度查询, 预约, 申办, 投诉, 建议, 求助, 评价): without its cue such an
  intent is only a guess and informational answering wins — except a report, plea, idea or follow-up that is no
  question and that the classifier is sure of ("电梯坏了一个星期物业就是不修"); and a question about how a channel
  works ("匿名举报的能查处理进度吗") is answered even with its cue;
- long 12345-style messages are routed by a classifier of their own (nlu/intake.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

ITEM, DOCUMENT, LIFE_EVENT, APP = "item", "document", "life_event", "app"
EVIDENCE_ENTITIES = (ITEM, DOCUMENT, LIFE_EVENT, APP)

ASK_QUESTION, LIFE_EVENT_INTENT = "ask_question", "life_event"
INFORMATIONAL = (
    "ask_question",
    "ask_guide",
    "ask_materials",
    "ask_fee",
    "ask_time",
    "ask_location",
    "ask_online",
    "ask_conditions",
    "life_event",
)
# Intents asking for one part of an item's guide.
ASPECTS = INFORMATIONAL[1:8]
COMPLAINT, SUGGESTION, HELP_REQUEST = "complaint", "suggestion", "help_request"
# Intents that start a flow (a form, a submission): only on an explicit cue.
TRANSACTIONAL = ("check_progress", "make_appointment", "apply_online", COMPLAINT, SUGGESTION, HELP_REQUEST, "evaluate")
# Intents a message that names an item, document, app or package is not (it is a question about that thing).
NOT_WITH_EVIDENCE = ("out_of_scope", "chitchat", "goodbye", "nlu_fallback")
# Small-talk intents a message in question form is not: "长照2.0为什么只在万华区先试" is no goodbye.
NOT_AS_QUESTION = ("chitchat", "goodbye")
QUESTION_FORM = re.compile(
    r"吗|么|为什么|怎么|咋|哪|几|多少|什么|啥|会不会|能不能|可不可以|是不是|有没有|要不要|[?？]|"
    r"(能|可以|会|要|用|有|是|行|算)\S{0,12}(不|没|没有)\s*$"  # "户口还能销不", "这样算不算…没"
)
MIN_QUESTION_CHARS = 8  # "你叫什么名字" stays small talk
# Intents about the conversation itself, which no evidence about a service overrides.
CONTROL = ("human_handoff", "elder_mode", "choose_option", "answer_feedback", "deny", "affirm", "thank")

CUES: Dict[str, re.Pattern] = {
    "check_progress": re.compile(
        r"进度|进展|办到哪|到哪一步|到哪了|审批到|审核(通过|完|到|结果)|批下来|批了没|有结果|有没有结果|"
        r"办好了?[没吗么]|办完了?[没吗么]|办结|受理了?[没吗么]|处理(了吗|了没|得怎么样|到哪)|回复了?[吗没]|"
        r"怎么样了|查件|办件|状态|我的件|(啥|什么)时候(能)?办(完|好|下来)|办下来了?[没吗么]"
    ),
    "make_appointment": re.compile(
        r"预约|預約|约(个|一下|个时间|时间|号)|約個|排号|取号|订个时间|定个时间|(帮我|我想|我要|想|给我)约|"
        r"约(下周|明天|后天|周|星期|礼拜|[0-9一二三四五六七八九十]+[号日])"
    ),
    "apply_online": re.compile(
        r"申办|申辦|(网上|網上|在线|線上|手机上|手機上)\S{0,4}(提交|申请|申請|办理|辦理|办|辦)|提交(了|一下)?申请|"
        r"申请提交|(帮|幫)我\S{0,12}(提交|申请|申請)|网办|立即办理|直接申请"
    ),
    COMPLAINT: re.compile(
        r"投诉|投訴|举报|舉報|反映|反应个|不作为|态度(差|恶劣|不好|很差|太差|蛮横|横)|乱收费|乱收|多收|推诿|扯皮|刁难|"
        r"吃拿卡要|没人管|不管|没人修|没人理|没人处理|拖欠|欠薪|欠[了我们]*工资|扰民|太吵|噪音|油烟|太差|差劲|追究|查处|"
        r"处理一下|严肃处理|讨(个)?(说法|公道)|(给|要)(个|我们|我)?(说法|交代)|凭什么|欺骗|坑人|违规|违法|违建|拒载|"
        r"甩站|玩手机|爱答不理|拖了|拖着|跑了(好几|三|四|几)|效率(太)?低|索要|不给(退|办)|骗|没人收|没人接|"
        r"没办上|没办成|都没办|排了\S{0,4}队"
    ),
    SUGGESTION: re.compile(
        r"建议|建議|意见|意見|提议|想法|希望\S{0,6}(增加|增设|多设|多建|开通|延长|改进|优化|简化|能有|可以有)|"
        r"能不能\S{0,4}(增加|增设|多设|多建|多装|开通|延长|设置|设一个)|改进|优化|希望|"
        r"我觉得\S{0,10}(可以|应该|最好)"
    ),
    HELP_REQUEST: re.compile(
        r"求助|帮帮|幫幫|救救|救命|帮(我|忙)\S{0,4}(联系|协调|想想?办法|找|一下)|紧急|急死|走失|被困|困在|没地方住|"
        r"身无分文|实在没(有)?办法|不知道(该)?怎么办"
    ),
    "evaluate": re.compile(
        r"评价|評價|打分|好评|差评|中评|点赞|满意|评分|[一二三四五1-5]\s*(颗)?星|[一二三四五1-5]\s*分|打个?[一二三四五1-5]"
    ),
}

# A question about how a channel works, not a use of it: what a status means, whether or where one can do
# something with it, who handles it, what it needs ("办件进度显示受理中是啥意思", "匿名举报的能查处理进度吗",
# "反映问题要不要上传照片", "到底归谁管"). Its cue word is its topic; the knowledge base answers it. Not when the
# citizen asks for it to be done ("帮我查", "我要投诉", "麻烦看下").
ABOUT_THE_CHANNEL = re.compile(
    r"(是|啥|什么)意思|(找|归|向)(谁|哪)|哪个(部门|单位|电话|窗口)|打哪|(什么|啥)(电话|号码|渠道|部门)|匿名|保密|泄露|"
    r"奖励|(要不要|需不需要|用不用|需要|要)\S{0,4}(照片|证据|授权|实名|真名|身份证)|限制|会有人|"
    r"(能|可以|可不可以|能不能)\S{0,3}(查|催|撤|取消|补充)|在哪(能|可以)?(看|查)|查不到|查无"
)
DOING_IT = re.compile(r"我要|我想|帮我|给我|麻烦|请(帮|给|尽快|处理)")

# Asking to do several things of a life situation at once, or what all is to be done: the 一件事 is the answer
# even when the message also names one of its items ("到退休年龄了 养老金公积金这些手续都得办啥",
# "开面馆 执照和食品许可能一块儿办不"). "哪些手续" alone is not one: with an item named it asks that item's guide.
TOGETHER = re.compile(
    r"一起办|一块儿?办|一并办|同时办|一次性?办|都(要|得|需要)办|这些手续|手续都(要|得)|还(要|得)办(啥|什么|哪些)"
)

# The conversation-control intents that a guess must not give a question to: "户口本找不到了" is no 不要,
# "信义区托婴中心地址电话多少" no 转人工, "有人打电话说是政府的要我交钱 是骗子吧" no "你是机器人吗". Each needs
# its cue; a short reply ("不", "算了", "no") is a deny whatever it says.
CONTROL_CUES: Dict[str, re.Pattern] = {
    "human_handoff": re.compile(
        r"人工|真人|工作人员|客服|坐席|转接|找(个)?人|个人来|找到人|热线|打电话|rengong|轉人|接线"
    ),
    "bot_challenge": re.compile(
        r"机器|真人|是人|的人吗|个人吗|人还是|人在回复|人工智能|ai|自动回复|程序|智能客服|chatgpt|你是(谁|哪个|什么)",
        re.IGNORECASE,
    ),
    "deny": re.compile(
        r"^.{1,4}$|^(不|没|别|否|错|算了|拉倒|取消|先不|先别|no\b)|不是|不对|不要|不用|不需要|不想|不办|不约|不提交|"
        r"不留|不同意|不方便|不行|不弄|不整|错了|信息不对",
        re.IGNORECASE,
    ),
}
# Everyday words for what happened to a certificate, and the actions of item names they call for.
ACTION_CUES: Tuple[Tuple[re.Pattern, Tuple[str, ...]], ...] = (
    (
        re.compile(r"丢|掉了|弄没|没了|遗失|找不到|被偷|被盗|补办|补领|补发|补证|补一[个张本]|补个|补张|补本"),
        ("补领", "补发", "补证", "补换"),
    ),
    (re.compile(r"挂失|冻结"), ("挂失",)),
    (
        re.compile(r"到期|过期|期满|换证|换新|换一[个张本]|换个|换张|换本|换领|更换|有效期"),
        ("换领", "期满换证", "补换"),
    ),
    (re.compile(r"坏了|损坏|破了|破损|消磁|模糊|折了"), ("换领", "补换", "补发")),
    (re.compile(r"第一次|首次|初次|新办|头一回"), ("首次申领", "首次签发", "申领", "签发")),
)
# Leading verbs of app aliases ("交燃气费", "查违章"): the rest names what the app is for.
APP_VERBS = ("交", "缴", "充", "查", "领", "办", "激活", "打开", "付")
PAY_CUES = re.compile(r"交|缴|充|付|扣费|欠费")
# App forms that are the cue of a transactional intent are no evidence of a question ("投诉", "评价", "查进度").
APP_FORMS_THAT_ARE_CUES = ("投诉", "评价", "差评", "打分", "查进度", "办理进度", "审批进度", "查办件", "我的办件")


@dataclass(frozen=True)
class Phrase:
    """An item or package said in pieces or as a situation: all `patterns` must match the message."""

    entity: str
    value: str
    patterns: Tuple[re.Pattern, ...]
    unless: Optional[re.Pattern] = None


def _phrase(entity: str, value: str, *patterns: str, unless: Optional[str] = None) -> Phrase:
    return Phrase(entity, value, tuple(re.compile(p) for p in patterns), re.compile(unless) if unless else None)


KIN = (
    r"(老人|老爷子|老太太|父亲|母亲|爸|妈|爷爷|奶奶|外公|外婆|姥姥|姥爷|公公|婆婆|岳父|岳母|家人|亲人|老伴|"
    r"丈夫|妻子|老公|老婆|爱人|家里人|家属)"
)
CHILD = r"(孩子|闺女|儿子|女儿|宝宝|宝贝|娃|小孩|男孩|女孩|二胎|二孩|三胎|老二|老三|双胞胎|千金|小子)"
# Situations and split phrasings; a value missing from the trained knowledge base is dropped (EvidenceTables).
PHRASES: Tuple[Phrase, ...] = (
    _phrase(
        LIFE_EVENT,
        "pk-newborn",
        rf"生了\S{{0,3}}{CHILD}|{CHILD}\S{{0,4}}(出生|生下来|降生|落地)|刚出生|新生儿|添了\S{{0,2}}{CHILD}|"
        r"当(上)?(爸爸|妈妈|爹|妈)了|喜得|生娃|坐月子|生完孩子|生孩子",
        unless=r"生孩子(补贴|津贴)|生育津贴|准生|怀孕",
    ),
    _phrase(
        LIFE_EVENT,
        "pk-after-death",
        rf"{KIN}\S{{0,6}}(走了|去世|过世|不在了|没了|离世|故去|逝世|病故|老了|死了|殁)|办后事|丧事|人走了",
        unless=r"走丢|走失|没了工作|工作没了|钱没了|走了以后再|出门走了",
    ),
    _phrase(
        LIFE_EVENT,
        "pk-employment",
        r"失业|下岗|被裁|裁员|辞退|开除|丢了工作|工作丢了|没了工作|工作没了|没工作了|厂子倒闭|公司倒闭|被优化",
    ),
    _phrase(LIFE_EVENT, "pk-marriage", r"(要|准备|打算|刚|想)结婚|新婚|刚领(了)?(结婚)?证|领完(结婚)?证"),
    _phrase(LIFE_EVENT, "pk-retirement", r"(快|要|刚|马上|准备)退休|到(了)?退休年龄|退休了"),
    _phrase(LIFE_EVENT, "pk-restaurant", r"开\S{0,2}(饭店|餐馆|饭馆|小吃店|餐厅|面馆|火锅店|早餐店)"),
    _phrase(LIFE_EVENT, "pk-company-setup", r"(想|要|准备|打算)\S{0,2}(开|注册|成立)\S{0,2}(公司|企业)"),
    _phrase(
        LIFE_EVENT,
        "pk-offsite-medical",
        r"(去|到|在)\S{0,4}(外地|外省|北京|上海|省外)\S{0,4}(看病|住院|治病|就医|做手术)",
    ),
    # 户口 moved here (迁入) or away (迁出); a move with no direction names both, and the dialogue asks.
    _phrase(
        ITEM,
        "ga-hukou-move-in",
        r"户口|户籍",
        r"迁|落户|转",
        r"迁(到|来|入|进|回)?\S{0,6}(来|过来|进来)|迁入|落户|投靠|迁到(这|我这|本地|城里|市里|[\u4e00-\u9fff]{2,3}(市|县|区)?(?=怎么|咋|如何|要|需要|得|办|$))|迁过来|转过来|迁进",
        unless=r"迁出|迁走|迁回老家|迁到外地|开迁移证",
    ),
    _phrase(ITEM, "ga-hukou-move-out", r"户口|户籍", r"迁出|迁走|迁回老家|迁到外地|迁移证|转走|转出"),
)


@dataclass
class EvidenceTables:
    """What the ranker knows of the knowledge base (built at training time, stored with the model)."""

    compounds: List[Tuple[str, str, str]] = field(default_factory=list)  # (document, action, item id)
    apps: Dict[str, List[str]] = field(default_factory=dict)  # app id -> forms
    known: List[str] = field(default_factory=list)  # item and package ids of the trained knowledge base
    names: List[str] = field(default_factory=list)  # the item and package surface forms (gazetteer terms)

    def to_json(self) -> Dict:
        return {
            "compounds": [list(c) for c in self.compounds],
            "apps": self.apps,
            "known": sorted(self.known),
            "names": sorted(self.names),
        }

    @classmethod
    def from_json(cls, data: Dict) -> "EvidenceTables":
        return cls(
            [tuple(c) for c in data.get("compounds", [])],
            dict(data.get("apps", {})),
            list(data.get("known", [])),
            list(data.get("names", [])),
        )

    def app_patterns(self) -> List[Tuple[str, str, Optional[str]]]:
        """The patterns below, computed once per tables (they depend on the tables only; computing them for
        every message cost ~10 ms of the Rasa server's CPU per turn)."""
        cached = self.__dict__.get("_app_patterns")
        if cached is None:
            cached = self.__dict__["_app_patterns"] = self._app_patterns()
        return cached

    def _app_patterns(self) -> List[Tuple[str, str, Optional[str]]]:
        """(form, app id, the verb the message must also say, or None) longest first.

        An alias without its leading verb ("交燃气费" → "燃气费") names the app alone when it is at least three
        characters and no part of an item's or package's name; otherwise only with its verb elsewhere in the
        message ("公积金" is in many items: only "查…公积金" is the query app; "水费" only with "交")."""
        out: Dict[str, Tuple[str, Optional[str]]] = {}
        for app, forms in self.apps.items():
            for form in forms:
                if form in APP_FORMS_THAT_ARE_CUES or len(form) < 2:
                    continue
                out.setdefault(form, (app, None))
                for verb in APP_VERBS:
                    rest = form[len(verb) :] if form.startswith(verb) else ""
                    if len(rest) < 2 or rest in APP_FORMS_THAT_ARE_CUES:
                        continue
                    generic = len(rest) < 3 or any(rest in name for name in self.names)
                    out.setdefault(rest, (app, verb if generic else None))
        return sorted(((f, a, v) for f, (a, v) in out.items()), key=lambda x: -len(x[0]))


def _entity(entity: str, value: str, start: int, end: int) -> Dict:
    return {"entity": entity, "start": start, "end": end, "value": value, "confidence_entity": 1.0}


def derived_entities(text: str, entities: Sequence[Dict], tables: EvidenceTables) -> List[Dict]:
    """Entities the message names that the gazetteer's exact spans missed (none it already has)."""
    have = {(e.get("entity"), e.get("value")) for e in entities}
    has_item = any(e.get("entity") == ITEM for e in entities)
    out: List[Dict] = []

    def add(entity: str, value: str, start: int, end: int) -> None:
        if (entity, value) not in have and (not tables.known or value in tables.known or entity == APP):
            have.add((entity, value))
            out.append(_entity(entity, value, start, end))

    # 1. certificate + what happened to it, anywhere in the message
    if not has_item:
        for doc in [e for e in entities if e.get("entity") == DOCUMENT]:
            rest = text[: doc["start"]] + " " * (doc["end"] - doc["start"]) + text[doc["end"] :]
            for pattern, actions in ACTION_CUES:
                if not pattern.search(rest):
                    continue
                for action in actions:
                    for official, act, item in tables.compounds:
                        if official == doc["value"] and act == action:
                            add(ITEM, item, doc["start"], doc["end"])
                if any(e["entity"] == ITEM for e in out):
                    break
    # 2. apps
    taken: List[Tuple[int, int]] = []
    for form, app, verb in tables.app_patterns():
        start = text.lower().find(form.lower())
        if start < 0 or any(s < start + len(form) and start < e for s, e in taken):
            continue
        rest = text[:start] + " " + text[start + len(form) :]
        if verb is not None and not (verb in rest or (verb in "交缴充付" and PAY_CUES.search(rest))):
            continue
        taken.append((start, start + len(form)))
        add(APP, app, start, start + len(form))
    # 3. split phrasings and situations
    for phrase in PHRASES:
        if phrase.entity == ITEM and has_item:
            continue
        if phrase.unless and phrase.unless.search(text):
            continue
        matches = [p.search(text) for p in phrase.patterns]
        if all(matches):
            first = matches[0]
            add(phrase.entity, phrase.value, first.start(), first.end())
    return out


def cue_of(intent: str, text: str, entities: Iterable[Dict] = ()) -> bool:
    """Does the message say explicitly that it wants this transactional (or conversation-control) intent?"""
    if intent == "check_progress" and any(e.get("entity") == "application_no" for e in entities):
        return True
    pattern = CUES.get(intent) or CONTROL_CUES.get(intent)
    return bool(pattern and pattern.search(text))


@dataclass(frozen=True)
class Ranking:
    intent: str
    confidence: float
    ranking: List[Tuple[str, float]]
    reason: str


# Factor a transactional intent's probability is multiplied by when its cue is missing; and the one for
# "not a question" intents when the message names an item, document, app or package.
UNCUED_FACTOR = 0.05
EVIDENCE_FACTOR = 0.05
# A control intent on top with at least this share of the probability is kept whatever the evidence.
SURE_CONTROL = 0.6
# ... and an informational intent with this share keeps a life situation from becoming 一件事 navigation.
SURE_QUESTION = 0.5
# A report, plea, idea or follow-up said without its cue word ("路灯又不亮了", "家里快揭不开锅了") stands when the
# classifier is this sure of it and the message is not a question.
SURE_UNCUED = 0.7
MAY_STAND_UNCUED = (COMPLAINT, HELP_REQUEST, SUGGESTION, "check_progress")
# Confidence given to the chosen intent when strong evidence decided it (above the FallbackClassifier's 0.4).
DECIDED_CONFIDENCE = 0.8


def _normalised(scores: Dict[str, float], dropped: float = 0.0) -> List[Tuple[str, float]]:
    total = (sum(scores.values()) + dropped) or 1.0
    return sorted(((k, v / total) for k, v in scores.items()), key=lambda kv: -kv[1])


def _decide(scores: Dict[str, float], intent: str, reason: str) -> Ranking:
    """`intent` on top with DECIDED_CONFIDENCE; the others share the rest in their proportions."""
    rest = {k: v for k, v in scores.items() if k != intent}
    total = sum(rest.values()) or 1.0
    ranking = [(intent, DECIDED_CONFIDENCE)] + sorted(
        ((k, (1 - DECIDED_CONFIDENCE) * v / total) for k, v in rest.items()), key=lambda kv: -kv[1]
    )
    return Ranking(intent, DECIDED_CONFIDENCE, ranking, reason)


def rerank(
    ranking: Sequence[Tuple[str, float]],
    text: str,
    entities: Sequence[Dict],
    intake_label: Optional[str] = None,
) -> Ranking:
    """The intent the evidence supports, from the classifier's ranking (intent, probability).

    `intake_label` is the 12345 router's label for a long message (complaint / help_request / suggestion /
    question), None for short ones."""
    scores = {name: float(p) for name, p in ranking}
    for name in INFORMATIONAL:
        scores.setdefault(name, 0.0)
    if intake_label is not None:
        if intake_label in (COMPLAINT, SUGGESTION, HELP_REQUEST):
            return _decide(scores, intake_label, f"12345 {intake_label}")
        informational = max(INFORMATIONAL, key=lambda k: scores[k])
        return _decide(scores, informational if scores[informational] > 0 else ASK_QUESTION, "12345 question")
    kinds = {e.get("entity") for e in entities}
    evidence = bool(kinds & set(EVIDENCE_ENTITIES))
    reasons = []
    before = sum(scores.values()) or 1.0
    asks = bool(QUESTION_FORM.search(text))
    uncued = set()
    for name in TRANSACTIONAL:
        if name in scores and not cue_of(name, text, entities):
            if name in MAY_STAND_UNCUED and not asks and scores[name] / before >= SURE_UNCUED:
                reasons.append(f"sure without cue: {name}")
                continue
            scores[name] *= UNCUED_FACTOR
            uncued.add(name)
            reasons.append(f"no cue: {name}")
    # Every phrasing of these has its cue: without it, it is never the one. Its share is dropped, not handed to
    # the others: what remains is as unsure as it was ("叽里咕噜手续" stays 没听懂 for the FallbackClassifier).
    dropped = 0.0
    for name in CONTROL_CUES:
        if scores.get(name) and not cue_of(name, text.strip(), entities):
            dropped += scores[name]
            scores[name] = 0.0
            reasons.append(f"no cue: {name}")
    if evidence:
        for name in NOT_WITH_EVIDENCE:
            if name in scores:
                scores[name] *= EVIDENCE_FACTOR
    top = max(scores, key=lambda k: scores[k])
    total = (sum(scores.values()) + dropped) or 1.0
    if top in TRANSACTIONAL and ABOUT_THE_CHANNEL.search(text) and not DOING_IT.search(text):
        informational = max(INFORMATIONAL, key=lambda k: scores[k])
        return _decide(scores, informational if scores[informational] > 0 else ASK_QUESTION, "about the channel")
    # a control intent ("转人工", "字大点", "第二个") stands when the classifier is sure of it
    sure_control = top in CONTROL and scores[top] / total >= SURE_CONTROL
    found = ",".join(sorted(kinds & set(EVIDENCE_ENTITIES)))
    # a life situation leads to its 一件事 unless the classifier is sure of a question about something in it
    sure_question = top in INFORMATIONAL and scores[top] / total >= SURE_QUESTION
    if LIFE_EVENT in kinds and TOGETHER.search(text) and top not in TRANSACTIONAL and not sure_control:
        return _decide(scores, LIFE_EVENT_INTENT, "life situation, several things at once")
    if LIFE_EVENT in kinds and ITEM not in kinds and top not in TRANSACTIONAL and not (sure_control or sure_question):
        return _decide(scores, LIFE_EVENT_INTENT, "life situation")
    if evidence and top not in TRANSACTIONAL and not sure_control:
        informational = max(INFORMATIONAL, key=lambda k: scores[k])
        if APP in kinds and ITEM not in kinds and informational in ASPECTS:
            # a part of an item's guide cannot be asked of an app: the app is the answer
            informational = ASK_QUESTION
        if informational != top or scores[informational] / total < DECIDED_CONFIDENCE:
            return _decide(scores, informational, "evidence: " + found)
    # a question the classifier could not place, or took for small talk: a question for the knowledge base
    # (or a flow the classifier guessed without its cue: a question is answered, however sure the guess)
    unsure = scores[top] / total < DECIDED_CONFIDENCE / 2
    question_guess = top in uncued or ((top in NOT_AS_QUESTION or unsure) and top not in TRANSACTIONAL)
    if question_guess and top not in CONTROL:
        if len(text.strip()) >= MIN_QUESTION_CHARS and QUESTION_FORM.search(text) and top != "out_of_scope":
            informational = max(INFORMATIONAL, key=lambda k: scores[k])
            return _decide(scores, informational if scores[informational] > 0 else ASK_QUESTION, "question form")
    normalised = _normalised(scores, dropped)
    return Ranking(normalised[0][0], normalised[0][1], normalised, "; ".join(reasons) or "classifier")


__all__ = [
    "EvidenceTables",
    "Ranking",
    "derived_entities",
    "cue_of",
    "rerank",
    "INFORMATIONAL",
    "TRANSACTIONAL",
    "EVIDENCE_ENTITIES",
    "CUES",
    "CONTROL_CUES",
    "PHRASES",
]
