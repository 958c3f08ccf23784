// Complaint classifier (docs/spec.md section 3): weighted signal words and context patterns in Chinese and
// English, a few patterns where one word means two things (快递柜 in wrong delivery vs. a broken locker),
// cheap negation for harm words ("没有破损", "nothing missing"), and a fixed tie-break; beside the rules, a
// naive Bayes model learnt from the labelled corpus (classify-bayes.ts) that reads the everyday vocabulary
// no word list keeps up with. A strong rule outweighs the model; the model decides where the rules are
// silent or torn. Deterministic and pure.
import { posterior, trainBayes, type BayesModel, type LabelledText } from './classify-bayes.ts';
import type { Category } from './complaint.ts';
import corpus from './complaint-corpus.json' with { type: 'json' };

export interface ClassifierResult {
  category: Category;
  /** 0..1: how much evidence the text carries and how clearly it points at one category. */
  confidence: number;
}

/** Confidence reported for 'other' when no signal matched: a default, not evidence. */
export const NO_SIGNAL_CONFIDENCE = 0.1;

/** Equal scores go to the category earlier here: the more specific harm is the one an agent acts on. */
export const TIE_BREAK_ORDER: readonly Category[] = [
  'privacy',
  'loss',
  'damage',
  'wrong-delivery',
  'fees',
  'attitude',
  'facilities',
  'online-service',
  'business-handling',
  'delay',
  'other',
];

/** The model's probability for a category counts as this many rule points: a sure model (p near 1) is worth
 * a little more than one strong signal word (3), less than a decisive pattern (5) plus anything else. */
export const BAYES_WEIGHT = 4;

/** Score at which evidence is worth 1 - 1/e (about 0.63): one strong signal word. */
const EVIDENCE_SCALE = 3;

type Pattern = string | RegExp;

interface TermGroup {
  weight: number;
  patterns: readonly Pattern[];
  /** Harm words stop counting after a negation: "没有破损", "not damaged". */
  negatable: boolean;
}

const term = (weight: number, ...patterns: Pattern[]): TermGroup => ({ weight, patterns, negatable: false });
const harm = (weight: number, ...patterns: Pattern[]): TermGroup => ({ weight, patterns, negatable: true });

// Shared fragments of the context patterns.
const NUMBER_ZH = '(?:\\d+|[一两二三四五六七八九十几半]+)';
const LOCKER = '(?:快递柜|智能柜|取件柜|自提柜|储物柜|丰巢柜?|柜子|柜门|格口)';
const DEVICE =
  '(?:排号系统|叫号系统|叫号屏|电子屏|信筒|快递柜|智能柜|取件柜|自提柜|丰巢柜?|柜子|柜门|格口|设备|机器|叫号机|排号机|自助机|自助终端|打印机|电子秤|秤|扫码器|扫码枪|屏幕|显示屏|电梯|空调|暖气|灯|门禁|邮筒|信箱|座椅|厕所|卫生间)';
const DEVICE_FAULT =
  '(?:进水|漏水|漏雨|坏|故障|打不开|开不了|开不开|关不上|没反应|不亮|黑屏|死机|断电|停电|失灵|卡住|卡死|卡纸|取不出|不能用|用不了|不工作|碎|裂)';
const DROP_POINT =
  '(?:菜鸟驿站|驿站|快递柜|智能柜|丰巢柜?|代收点|门卫|传达室|小卖部|小超市|超市|物业|门口|楼下)';
const WITHOUT_CONSENT =
  '(?:未经|没经过?|没有经过|不经过?|未征得|没征得|没问|不问|没打招呼|不打招呼|没给我打电话|没打电话|不打电话|没通知|不通知|没联系|不联系|没说一声)';
const PUT = '(?:放|扔|塞|丢|送|投|寄存)(?:到|在|进|去)?了?';
// Express-delivery failures (issue 12): a sign-off with no parcel, a return or a failed attempt nobody was
// told of. The customer's side of it ("没收到", "没人来") is what tells them from a status enquiry.
const SIGNED = '(?:签收|妥投|已投递|投递成功|已送达)';
const SIGNED_CLAIM = '(?:说|显示|称)(?:已经|是)?(?:送到|送达|投递|签收|放到|放在)';
const NOTHING_HERE =
  '(?:什么都没有|什么也没有|都没有|都没找到|没有我的|不在我手上|不在我手里|连影子|没见着|没找到|找不到|签收的是谁|谁签收的|谁签的)';
const NOT_GOT = '(?:没|没有|未|并未|从未|压根没|根本没)(?:有)?(?:收到|见到|看到|拿到|见过)';
const NOT_TOLD =
  '(?:(?:没|没有|未|不|从没|从来没|也没|都没|没人|无人|没有人|没有任何人|没任何人|未经|从来没有人)(?:提前|事先)?(?:给我|跟我|和我|向我)?(?:发过?|打过?|来过?)?(?:个|一个|一条|任何)?(?:通知|联系|打电话|电话|短信|告知|说一声|确认|消息)|(?:一点|任何)消息都没|(?:短信|电话|通知)(?:都|也)?没(?:有)?(?:收到|接到))';
const RETURNED = '(?:退回|退件|退了回去|退回去|原路返回|拉回去|退给)';
const RETURNED_EN = '(?:sent (?:[a-z]+ ){0,3}back|shipped (?:[a-z]+ ){0,3}back|returned)';
const NOT_TOLD_EN =
  '(?:nobody|no one|without anyone|without any(?:one)?|without) (?:told|called|contacted|telling|calling|contacting|notice|call)';
// A failed attempt the tracking claims (无人接听, 客户不在) against a customer who was there or had no call.
const CLAIMED_ATTEMPT =
  '(?:无人接听|联系不上|电话不通|打不通|无人应答|客户不在|收件人不在|不在家|无人在家|已留通知单|改派|改日派送|派送失败|派送不成功|投递失败|未妥投|无人签收)';
const WAS_THERE =
  '(?:在家|家里有人|开机|开着|在身边|(?:一个|任何)(?:来电|电话|未接)(?:都|也)?没|没(?:有)?(?:任何)?(?:来电|未接|电话|人敲门|人来|通知单)|什么(?:通知单)?都没有|没响)';
// English: the tracking says delivered or handed over, the customer says nothing came.
const SIGNED_EN = '(?:delivered|signed for|handed (?:to|over)|left at|marked as delivered)';
const NOT_GOT_EN =
  "(?:never (?:got|received|saw|had)|(?:didn'?t|did not|haven'?t|have not|hasn'?t|has not) (?:get|got|receive|received|see|seen|been)|received nothing|nothing (?:here|there|at)|(?:nobody|no one) handed|not here|isn'?t here|wasn'?t there)";
const AWAY = '(?:在外地|出差|在公司|在上班|不在家|不在本地|人都不在)';
const STAFF = '(?:营业员|柜员|工作人员|柜台|窗口|大姐|服务员|前台)';
const STAFF_EN = '(?:clerk|staff|counter|cashier|teller)';
const DEVICE_EN =
  '(?:locker|kiosk|machine|scale|printer|terminal|screen|door|lift|elevator|ramp|toilet|restroom|lights?|air conditioning|heating|drop box|mailbox|postbox)';
const FAULT_EN =
  "(?:broken|faulty|out of order|frozen|won'?t (?:open|close|work)|not working|doesn'?t work|stuck|jammed|malfunctioning|dead)";

// One weight group per line reads as a word list; prettier would put every word on its own line.
// prettier-ignore
const VOCABULARY: Readonly<Record<Category, readonly TermGroup[]>> = {
  delay: [
    term(3, '没人派送', '待发', '待派送', '待分拣', '没动过', '没发出', '当天达', '没有任何变化', '还慢', '延时', '海关', '清关', '海关查验', '放行', /(?:in|at|by) customs/, 'customs clearance'),
    term(3, '延误', '延迟', '滞留', '严重超时', '迟迟未到', '一直没到', '逾期', '延期', 'delay', 'delayed', 'overdue'),
    term(3, /还(?:没|没有|未)(?:送|派送|收到|到|送来|送到|签收)/, /(?:没|没有)(?:送来|送到|派送)/, /还在(?:始发地|原地|中转|路上|转运|运输|途中|揽收)/),
    term(3, /\bday (?:\d+|two|three|four|five|six|seven)\b/, 'next-day'),
    term(3, new RegExp(`(?:等了|都|走了|用了|花了|过了)(?:整整|足足)?快?${NUMBER_ZH}(?:个)?(?:天|日|星期|礼拜|周|月)`), /(?:还要|要)等多久/, /多久(?:才|能)(?:到|送)/),
    term(3, /still (?:haven'?t|hasn'?t|not|didn'?t|no sign|waiting)/, /(?:not|never|hasn'?t|haven'?t|yet to) (?:yet )?(?:arrive|arrived|come)/, /(?:was|is) due (?:on|by|yesterday|last)/),
    term(4, /(?:发|转|运|分拣)错了?(?:城市|地方|省|中转|分拨)/, /wrong (?:sorting )?(?:hub|depot|centre|center|city|facility)/, /(?:days?|weeks?) late\b/),
    term(3, new RegExp(`晚了?${NUMBER_ZH}(?:天|日)`), 'pushed back', 'estimated delivery', 'supposed to come'),
    term(4, /(?:派送中|正在派送|在派送).{0,16}(?:没|还没|都没)(?:人)?(?:送|到|来)/, /(?:放|躺|压|待|停)了?.{0,3}[一两二三四五六七八九十几\d]+(?:天|日).{0,6}(?:不派送|不送|没送|没派|才送|才派|才到)/, '海关扣', /took (?:[a-z]+ ){0,2}(?:days|weeks)/, 'nobody has delivered', 'not been delivered', "hasn't been delivered"),
    term(3, new RegExp(`${NUMBER_ZH}(?:个)?(?:天|日|星期|礼拜|周)(?:都|也|了|还)?(?:没|没有)(?:动|变|到|送)`), /就停了/, /(?:一直|还)(?:显示|停|卡)在/, 'chase', 'expedite', 'hurry up'),
    term(2.5, '超时', '太慢', '这么慢', '好慢', '很慢', '慢死', '龟速', '蜗牛', '速度', '推迟', '改期', '不派送', '不给派送', '没人送', '不动了', '一动不动', '停滞', '没动静', '卡在', '时效', '耽误', '错过', '耐心等待', '没有进展', '一拖再拖', 'still sitting'),
    term(2, '次日达', '限时达', '当日达', '承诺', '准时', '按时', '预计', '催件', /什么时候(?:能|才)?(?:到|送|派|出发|发出|发货)/, new RegExp(`晚了?${NUMBER_ZH}(?:天|日)`)),
    term(2, 'late', 'slow', 'stuck', 'postponed', 'rescheduled', 'taking forever', 'takes forever', 'supposed to arrive', 'on time', 'no sign of', 'not moving', "hasn't moved", 'no movement', 'how long', 'how much longer', 'when will'),
    term(1.5, '放鸽子', '催', '派送中', '运输中', '还没发', '没收到', '急用', '加急', '拖', '进展', '同一条', 'sitting in', 'where is it', 'where is my', 'next day', 'in transit', 'out for delivery', 'took a week', 'still waiting', 'waiting for'),
    term(1, '慢', '停在', new RegExp(`${NUMBER_ZH}(?:个)?(?:天|日|星期|礼拜|周|月)(?:了|都|还)`), /\b(?:\d+|two|three|four|five|six|seven|ten|several) (?:days|weeks)\b/, 'monday', 'friday', 'days'),
  ],
  loss: [
    harm(3, '没下落', '没有下落', '丢失', '遗失', '弄丢', '丢件', '不见了', '消失', '下落不明', '不知去向', '杳无音信', '内件短少', '短少', '缺件', '少件', '漏件', '被偷', '偷了', '被盗', '掉包', '调包'),
    harm(3, 'lost', 'missing', 'stolen', 'disappeared', 'vanished', 'nowhere to be found', 'empty box', 'empty envelope', 'empty package', 'empty parcel'),
    harm(3, '找不到了', '丢了', '再也没出现'),
    harm(2.5, /(?<!一)丢(?![给在下到进])/, '没出现过', '少了', '缺了', '缺少', '没了', '找不回', '找不着', '遗落', '遗漏', '空的', '空箱', '空盒', '空包', '只剩', '被人拿', '被拿走'),
    term(2.5, /(?:cannot|can'?t|could not|couldn'?t|unable to) (?:locate|find|trace)/, 'nobody can find', 'is gone', 'are gone', /only (?:got|received|came with) (?:\d+|one|two|three|half)/, /(?:half|some|part) (?:of )?the (?:contents|items|order)/, 'contents are missing'),
    term(2, '找不到', '查无此件', '没有任何记录', "didn't come", 'only one', 'never showed up', 'never came', '对不上', '不全', new RegExp(`只(?:收到|到了|有)${NUMBER_ZH}`), /(?:都|谁都|谁也)?没(?:有)?人收到/, /got \d+\b/),
    term(1.5, '重新封', '二次封', '划开', '拆过', '被拆', '妥投', 'resealed', 'tampered', 'seal broken', 'broken seal', 'never received', "haven't seen it"),
    term(4, /[一二两三四五六七八九十\d]+(?:本|件|个|盒|瓶|箱|包|双|套).{0,6}(?:收到|只到|到了|只有)[一二两三四五六七八九十\d]+/),
    term(4, /(?:wasn'?t|weren'?t|was not|were not|isn'?t|not) (?:in|inside)\b/),
    term(4, /(?:可能|已经|确认|说)(?:是)?丢(?:了|失)/),
    term(3, '掉下去', /找了.{0,4}(?:没找到|找不到)/, '被拿了', '只有填充物', '一件都没有', '东西都没有', '东西全没了', /inside (?:was|were) (?:gone|missing)/),
    term(1, '已签收', '保价', '找回', '没有任何消息', '已经投递', '没看到', 'showed up', 'never arrived', 'insured', 'gone'),
  ],
  damage: [
    harm(3, '破损', '损坏', '摔坏', '压坏', '磕坏', '碰坏', '摔碎', '压扁', '压烂', '压瘪', '受潮', '进水', '泡水', '被水泡', '暴力分拣', '变形', '湿透', '稀碎'),
    harm(3, 'damaged', 'damage', 'broken', 'smashed', 'crushed', 'cracked', 'crack', 'shattered', 'snapped', 'ruined', 'dented', 'dent', 'mishandled', 'mangled', 'dead pixel', 'caved in', 'in pieces', 'in bits', 'fell apart'),
    term(3, /收到的.{0,8}(?:碎|裂|坏|破)/, '砸扁', '撞击痕迹', '大坑', '凹坑', '凹痕', '磕碰'),
    term(4, /(?:箱子|外箱|包装|纸箱|盒子)(?:(?![没未不无]).){0,8}(?:撞|砸|压|凹|扁|破|塌)/),
    harm(2.5, /压得.{0,2}扁/, '全死了', '碎', '裂', '霉', '淋', '歪了', '糊了', '泡湿', '湿了', '淋湿', '坏了', '烂了', '报废', '凹', '瘪', '弯了', '折断', '断了', '划痕', '刮花', '掉漆', '缺角', '变质', '发霉', '腐烂', '化了', '漏了', '流出', '洒了', '油污', '污渍', '撞击'),
    harm(2, 'soaking', 'soaked', 'wet', 'torn', 'ripped', 'scratched', 'scuffed', 'stained', 'leaking', 'leaked', 'spilled', 'melted', 'spoiled', 'rotten', 'mouldy', 'moldy', 'bent', 'water damage'),
    harm(3, 'waterlogged', 'left in the rain', 'chipped', '碎了', '超温', '温度超标', '解冻', '化冻', '发臭', '臭了', '变味', '不能用了', 'thawed', 'defrosted', 'stank', 'stinks'),
    term(1.5, '易碎', 'fragile'),
    term(1, '扔', '摔', '砸', '踩', '脚印', '理赔', 'threw', 'thrown', 'throwing', 'kicked', 'dropped', 'stood on', 'stepped on'),
  ],
  'wrong-delivery': [
    term(5, new RegExp(`${SIGNED}.{0,24}${NOTHING_HERE}`), /签收人.{0,12}(?:不是我|不认识|本人)/, /凌晨.{0,4}签收/),
    term(5, '谎报签收', '先点签收', /签(?:名|字)是.{0,6}自己(?:写|签)/, /(?:signed|wrote) (?:it|the signature) (?:him|her)self/),
    term(5, new RegExp(`${NOT_TOLD_EN}.{0,60}${RETURNED_EN}`), new RegExp(`${RETURNED_EN}.{0,60}${NOT_TOLD_EN}`), /(?:delivered|signed)(?: and signed)?.{0,40}(?:not here|nothing here|never (?:got|received)|have received nothing)/),
    term(4, '假装投递', '没人上门', '多次联系未果', /(?:敲门|门铃).{0,8}(?:没人|无人|没人应)/, /(?:一直|全天|一整天|全家都|都)在家/, /i was (?:home|in|at home) all day/, 'nobody rang', 'no one rang', 'failed delivery'),
    term(3, '不送上楼'),
    term(4, /(?:让|叫|要)(?:我|我们)(?:自己)?去?楼下(?:自己)?(?:拿|取)/, '不愿意上楼', '不肯上楼', '不上楼', /(?:让|叫|要)(?:我|我们)(?:自己)?(?:下楼|下去|去门口|去小区门口|到门口)(?:拿|取)/, /never (?:brings?|delivers?) .{0,20}(?:up|to the door|to the flat)/, /(?:makes?|tells?) (?:us|me|everyone) (?:to )?(?:come down|collect from)/),
    term(3, /(?:交给|给)了?.{0,6}(?:店|小卖部|超市|门卫|保安)/),
    term(4, /送到了?.{0,10}(?:另一|别的|其他|隔壁|错的)(?:栋|单元|楼|家|户|地址)/, /(?:gave|handed|left) (?:my|the) (?:parcel|package) (?:to|with) (?:the |a )?(?:security guard|guard|shop|neighbou?r|reception)/),
    term(5, new RegExp(`${NOT_GOT}.{0,16}${SIGNED_CLAIM}`), new RegExp(`${SIGNED_CLAIM}.{0,24}${NOT_GOT}`)),
    term(5, new RegExp(`${SIGNED}.{0,30}${NOT_GOT}`), new RegExp(`${NOT_GOT}.{0,24}(?:显示|却|但|可|结果).{0,8}${SIGNED}`)),
    term(5, '虚假签收', '冒签', '替我签', '帮我签', '代我签', '提前签收', '先签收后', '点了签收', '签收记录是假', /签(?:收单|收记录|名|字)?.{0,8}不是我/, /(?:没|没有|从没|未)签(?:过)?(?:字|收)(?!记录|凭证|信息)/),
    term(5, new RegExp(`${NOT_TOLD}.{0,20}${RETURNED}`), new RegExp(`${RETURNED}.{0,30}${NOT_TOLD}`), '擅自退回', '私自退回', '直接退件', '直接退回', /不知道.{0,6}(?:到过|到了)/, /(?:没|从没|从来没|并未|未|没有)拒收/),
    term(4, '虚假投递', '谎称', '未接来电', '没人来', '没有人来', '门都没人敲', '没人敲门', /根本没(?:来|来过|送)/, /(?:没|未)打(?:过)?电话就/, /(?:投递|派送)失败.{0,20}(?:在家|没人来|没有人来)/, /(?:在家|手机一直).{0,20}(?:没|无)(?:人|任何)?(?:来|来电|敲门)/),
    term(5, new RegExp(`${CLAIMED_ATTEMPT}.{0,30}${WAS_THERE}`), new RegExp(`${SIGNED_EN}.{0,80}${NOT_GOT_EN}`), /(?:还没|没)(?:送|到|来|送到|送来|见到东西)就.{0,10}(?:点|显示|标记|操作)(?:了)?(?:已)?签收/),
    term(5, /不可能签收/, /提前(?:点|操作|标记)(?:了)?签收/, /(?:地址不详|地址错误|地址有误|查无此人|联系不上).{0,6}(?:就|直接)?(?:退回|退了|退件)/),
    term(4, new RegExp(`${SIGNED}.{0,30}${AWAY}`), new RegExp(`${AWAY}.{0,30}${SIGNED}`), /(?:让|叫|要)(?:我|我们)?(?:去|到)?.{0,10}(?:驿站|代收点|快递柜|网点)(?:自取|自提)/, /(?:写的|写的是|填的|地址是).{0,16}(?:送到|送去|投到|放到|派到)/, '放错', '投递错误'),
    term(3, /(?:门铃|电话|手机)(?:根本|都|也|从来)?没(?:有)?响/, 'missed you', 'marked delivered', 'marked as delivered', 'marked it as delivered', /(?:以前|之前|原来|老)(?:住)?的(?:地址|房子|家)/),
    term(4, /(?:交给|给了|送给)了?.{0,6}(?:陌生人|其他人|不认识的人)/, /(?:left|delivered|dropped|put) (?:it |my \w+ |the \w+ )?(?:at|to|in) .{0,30}instead of/, /(?:让|叫|要)(?:我|我们)(?:自己)?(?:下来|出来|到楼下|去楼下)(?:拿|取)/, '不送上去', '不给送上'),
    term(4, '不送货上门', '不送上门', '拒绝上门', '拒绝送上门', '不送到家', '从来不送到', '让我自己下楼', '让我去驿站自取', '只能自提'),
    term(4, 'signed for', 'false sign-off', 'forged', /signed (?:for )?(?:it |my \w+ )?(?:himself|herself|before)/, /signature .{0,20}(?:not mine|isn'?t mine)/, /(?:sent|returned) (?:it |my \w+ |the \w+ )?back .{0,30}without/, 'returned to the sender without', 'never refused', 'delivery attempted', 'attempted delivery', 'no one came', 'nobody came', 'nobody knocked', 'no missed call', 'claimed he called', 'claimed she called', 'no call in', 'unreachable', /(?:will not|won'?t|refuses to|refused to) (?:deliver to (?:the|my) door|come up|bring it up)/),
    term(4, new RegExp(`${WITHOUT_CONSENT}.{0,12}${PUT}${DROP_POINT}`), new RegExp(`(?:直接|擅自|私自|偷偷|随便)(?:给我)?${PUT}${DROP_POINT}`)),
    term(4, '误投', '冒领', '送错', '投错', '派错', '错投', '错派', '错送', '私自签收', '擅自签收', '代签', '被人领走', '别人领走', '签收人不是我', '不是我签的', '不是我签收'),
    term(4, 'wrong address', 'misdelivered', 'wrong house', 'wrong door', 'wrong building', 'wrong person', 'wrong recipient', 'wrong flat', 'wrong apartment', 'wrong unit', 'not my parcel', 'not my package', 'not addressed to me'),
    term(4, /只(?:送|放)到(?:小区)?(?:大门|门口|门卫|楼下|一楼|路口)/, /(?:isn'?t|not) my (?:door|house|flat|address|building)/, /我的(?:快递|包裹|件)给了?别人/, 'over the fence', /(?:扔|丢)(?:进|到)了?(?:院子|院里|阳台)/),
    term(5, /(?:says|said|wrote|claimed|marked|shows?)\b.{0,40}(?:not available|not home|no one (?:home|available)|closed|no answer|unable to deliver|attempted).{0,60}(?:(?:was|were) (?:home|in|open|there)|all day|whole (?:day|morning))/),
    term(3, 'mixed up', 'never heard about', 'never heard', '给了别人', '另一个人', '谁都能拿', '没授权', /被.{0,4}签收/, '旧地址', '老地址', '以前的地址', /不是我(?:家|的)的?(?:门|地址|楼)/, '同名', '不是我的快递', '不是我的包裹', '不是我的件', '别人家', '邻居家', /别人(?:签收|拿走|取走|领了|签了)/, /送(?:到|去)了?.{0,8}去了/, /送到.{0,6}(?:隔壁|别的|其他|别人)/, /派到了?.{0,10}手里/),
    term(3, 'signed for', 'someone else', "someone else's", 'old address', 'previous address', /handed (?:it|my parcel|my package|the parcel|the package) to/, 'instead of bringing', 'instead of delivering', /delivered to (?:my|the|a) neighbou?r/, /(?:left|dumped|dropped) (?:it|my parcel|my package|the parcel|the package) (?:in|at|with) (?:a|the|my) (?:parcel )?(?:locker|pickup point|pick-up point|collection point|neighbou?r)/),
    term(3, new RegExp(`${PUT}${DROP_POINT}`)),
    term(2, '未经本人同意', '未经同意', '没经过我同意', '代收点', '本人签收', /(?:名字|姓名|电话).{0,3}不对/, 'without asking', 'without telling', 'without my consent', 'without permission', 'without notice', 'pickup point', 'a stranger', 'random person', '代收', '堆在', '授权', 'left outside', 'neighbours took', 'neighbors took'),
    term(1.5, '送货上门', '送上门', '不上门', '放门口', '送到家', '门牌号', '地址写的', 'home delivery', 'to my door', 'doorstep', 'neighbour', 'neighbor'),
    term(1, '已签收', '签收人', '签了字', '隔壁'),
  ],
  attitude: [
    term(5, new RegExp(`${STAFF}.{0,16}(?:不理睬|不理不睬|不理人|不理我|不搭理|爱搭不理|爱理不理|玩手机|刷手机|聊天|回半句)`), new RegExp(`\\b${STAFF_EN}\\b.{0,40}(?:ignored|refused to answer|would not even look|wouldn'?t even look|kept talking|chatting)`)),
    term(3, '不理睬', '不理不睬', '不理我', '爱搭不理', '脸拉得', '回半句'),
    term(4, new RegExp(`\\b${STAFF_EN}\\b.{0,60}(?:would not acknowledge|wouldn'?t acknowledge|didn'?t acknowledge|kept typing)`)),
    term(4, /(?:再|你)?投诉(?:试试|啊|去吧)/, /翻了?个?白眼/, /(?:爱|随便|尽管|有本事)(?:你)?(?:去)?投诉/, /说话(?:很|太|特别|非常|好)?(?:冲|难听|横|凶)/, /语气(?:很|太|特别|非常)?(?:冲|差|不好|恶劣)/),
    term(4, '头都不抬', '头也不抬', /再投诉就/),
    term(3, '拉黑', '打官腔', '套话'),
    term(3, '瞪', 'sighed', '不客气', '顶一句', '吃了火药', "didn't even look", 'did not even look', 'look up from', 'patronising', 'patronizing', 'unpleasant', 'belittled', 'talked down'),
    term(5, '服务态度差', '态度差', '态度很差', '态度恶劣'),
    term(3, '态度', '不耐烦', '骂', '不礼貌', '没礼貌', '没有礼貌', '礼貌都没有', '爱答不理', '爱理不理', '爱要不要', '脏话', '粗口', '侮辱', '阴阳怪气', '嘲讽', '嘲笑', '讥讽', '讽刺', '翻白眼', '白眼', '歧视', '神经病', '滚蛋', '恐吓', '推搡', '动手打'),
    term(3, 'rude', 'attitude', 'impolite', 'disrespectful', 'dismissive', 'condescending', 'sarcastic', 'insulted', 'insulting', 'mocked', 'mocking', 'laughed at me', 'swore', 'swearing', 'cursed', 'shouted', 'yelled', 'screamed', 'raised his voice', 'raised her voice', 'rolling her eyes', 'rolling his eyes', 'rolled her eyes', 'rolled his eyes', /called me (?:an? )?(?:stupid|idiot|dumb|liar|names)/),
    term(2.5, '吼', '凶', '冷脸', '冷着脸', '黑脸', '黑着脸', '没耐心', '语气', '冷漠', '冷淡', '甩脸', '脸色', '挂我电话', '挂电话', '挂断', '威胁', /吵(?:起来|架)/, '训人', '训斥', /被.{0,2}训/, '说话冲', '难听', '嫌我', '嫌弃', '事儿多', '事多', '打断', '敷衍', '不搭理', '不理人', '服务意识', '素质', '傲慢', '粗鲁', '耍脾气', '发脾气'),
    term(2.5, 'hung up', 'snappy', 'interrupting', 'interrupted', 'aggressive', 'threatened', 'arrogant', 'unprofessional', 'unfriendly', 'behaviour', 'behavior', 'ignored me', 'treated me like', 'talked to me like', 'spoke to me like'),
    term(2, '拽', '恶劣', '玩手机', '搭理', '拍桌子', '答半句', 'nuisance', '服务太差', '服务差', '推诿', '踢皮球', '不听', 'refused to explain', 'refused to help'),
    term(1, '不接电话', '电话也不接', '不知道不清楚', '工号', 'unacceptable'),
  ],
  fees: [
    term(5, '另外交钱', '另交钱', /取件.{0,6}(?:交钱|给钱|付钱)/, /送(?:货)?(?:到家|上门|上楼).{0,6}(?:另加钱|加钱|收费|要钱)/, /不(?:付|交)(?:钱)?.{0,4}(?:不能|不给)(?:出库|取)/, '另加钱', '出库费'),
    term(5, /取(?:件|快递|包裹)?.{0,8}(?:支付|付费|扫码付|收钱|要钱|收费)/, /取(?:件|快递|包裹).{0,6}还要钱/),
    term(2.5, /不退(?![回件])/),
    term(4, /运费.{0,8}(?:没退|不退|退回来|退还)/),
    term(5, /每(?:件|个|单|次)(?:要|都要)?(?:收|加收|交|付)/),
    term(4, '多少钱'),
    term(3, '差价', /收了(?:我)?\d+/, 'rates', 'cost to send', 'costs', 'price for', /(?:付|交|承担|退)(?:的)?运费/, '税款', '交税', '缴税', '纳税', '缴纳'),
    term(4, '关税', '税费', '报关费', '清关费', '代缴', 'customs duty', 'import duty', 'duties', 'clearance fee', 'storage fee', /取件.{0,6}(?:收|加收|要收|付费|收费)/, /(?:保管费|上楼费|派送费|服务费)/),
    term(4, '乱收费', '多收', '重复扣款', '扣了两次', '多扣', 'overcharged', 'charged twice', 'double charged', 'charged me twice'),
    term(3, '收费', '退款', '退钱', '退费', '退运费', '加收', '首重', '续重', '涨价', '定价', '收了我', '收我', '收的钱', '收钱', '再付', '另付', '补钱', '补差价', '加钱', '包邮'),
    term(3, 'refund', 'fee', 'fees', 'surcharge', 'extra charge', 'hidden fees', 'hidden charges', 'price list', 'billed', 'pay extra', 'pay again', 'money back', 'rip-off', 'free shipping', 'already paid', 'cash on delivery'),
    term(2.5, /(?<![浪免花消经学话白])费(?![劲力时心])/),
    term(2, '运费', '价格', '价钱', '报价', '标价', '太贵', '到付', '扣款', '计费', /按.{0,4}(?:公斤|斤|kg|千克).{0,4}收/, 'charged', 'charge', 'price', 'pricing', 'quote', 'expensive', 'pay a', 'payment'),
    term(1, '称重', '不合理', '支付宝', '微信支付', '钱', /\d+(?:\.\d+)?\s*(?:元|块)/, /\d+\s*(?:yuan|rmb|cny)\b/, /[¥￥]\s*\d/, 'postage', 'yuan', 'rmb', 'extra', 'cash', 'shipping', 'paid', '收据', '现金'),
  ],
  'business-handling': [
    term(3, '排队', '排长队', '手续', '办理', '不给办', '办不了', '没给我办', '拒绝收寄', '拒收', '拒寄', '不给寄', '不让寄', '不能寄', '不收了', '发票', '改地址', '更改地址', '转寄', '改派', '退回寄件人', '实名登记', '营业时间', '委托书', '挂号信'),
    term(3, 'queue', 'queued', 'waited in line', 'paperwork', 'procedure', 'procedures', 'refused to accept', 'business hours', 'opening hours', 'invoice', 'redirect', 'returned to the sender', 'return to sender', 'insurance claim', 'back and forth', 'registered letter'),
    term(2.5, /跑了.{0,2}趟/, '来回跑', '一次说清楚', '一次性告知', '流程', '规定', '证明', '材料', '汇款', '业务', '互相推', '推来推去', '收寄', '退件', '没处理', '不处理', '只有上午', '只有下午', '下班了', '挂失', '通知单', '表格', '填单', '单子', '搬了'),
    term(2, 'counter', 'claim', 'documents', 'form', 'forms', 'process', 'appointment', 'visits', 'change the address', 'change my address', 'proof of', 'rules', 'policy', 'collect a parcel'),
    term(5, /(?:理赔|赔偿|索赔).{0,24}(?:审核|审批|核实|处理中|流程|进展|进度|没结果|没有结果|没下文|工作日|等通知)/, /claim .{0,40}(?:weeks|months|review|pending|no decision)/),
    term(4, /理赔.{0,12}(?:材料|多久|到账|还没|一直|迟迟)/, /赔偿.{0,10}(?:材料|证明)/, '代收货款'),
    term(3, '含酒精', '禁寄', '违禁品', 'hold my mail', 'arrange', 'claims team', 'paid out', '处理中', '审批中', '审核中', /改(?:成|为)?自提/, /(?:说|就)(?:这个|这些|这种)?不(?:收|给寄|能寄)(?![费钱])/),
    term(3, /办(?:个|理|下来|不下来|不了)/, /跑了.{0,2}(?:次|回)/, /(?:要|需要|必须|只认|只收)(?:身份证)?原件/, '电子身份证', '电子证照', '白跑'),
    term(1, '窗口', '柜员', '营业员'),
    term(1, '营业厅', '网点', '邮局', '预约', '复杂', '麻烦', '实名', '本人', '身份证', '灵活', 'branch', 'post office'),
  ],
  'online-service': [
    term(4, '订单消失', '订单不见', '404', '页面打不开', /(?:信息|显示)(?:是|有)?错(?:的|误)/),
    term(3, 'verification code', 'confirmation email', 'my account', 'email'),
    term(3, '官网', '网站', '网页', '页面', '网页版', '下拉框', '转圈', '白屏', '加载', '小程序', '公众号', '客户端', '在线客服', '智能客服', '机器人', '自动回复', '转人工', '闪退', '单号不存在', '查询不到', '不更新', '没更新', '登录不了', '登不上', '报错', '网络异常', '系统故障', '系统错误', '系统异常', '付款失败', '支付失败'),
    term(3, 'website', 'web site', 'app', 'portal', 'tracking page', 'tracking site', 'live chat', 'chatbot', 'bot', 'crashes', 'crashed', 'crash', 'glitch', 'bug', 'no information found', 'not been updated', "hasn't been updated", 'no update', 'no updates', 'log in', 'login', 'password', 'payment failed', /(?:data|information|info) (?:is|must be|was) wrong/, /(?:won'?t|doesn'?t|not) load/),
    term(2.5, '物流轨迹', '验证码', '二维码', '提交不了', '无法提交', '无法查询', '无法下单', '在线支付', '网上', '线上', '在线', '留言', '查不到', '显示未支付', '订单状态', '计算器', 'online', 'error', 'tracking information', 'tracking info', 'tracking status'),
    term(1.5, '物流信息', '系统', '人工', '下单', '显示', '提示', '卡住', '空号', '浏览器', '异常', 'page', 'site', 'system', 'booking', 'track my', 'status'),
  ],
  facilities: [
    term(4, new RegExp(`${DEVICE}.{0,8}${DEVICE_FAULT}`), new RegExp(`(?:坏|故障|失灵|断电).{0,4}${LOCKER}`), new RegExp(`\\b${DEVICE_EN}\\b.{0,40}\\b${FAULT_EN}`)),
    term(4, /(?:没有|没)(?:个)?(?:遮雨棚|雨棚|椅子|座位|空调|暖气|厕所|电梯|坡道|扶手)/, /没(?:有)?人(?:来)?(?:修|维修)/, /不开(?:暖气|空调|灯)/, /(?:增加|多放|多装|加装|增设)(?:几台|一些|几个|几把)?(?:自助|座椅|椅子|快递柜|设备)/, '投不进去'),
    term(3, '露天', '货架', '信筒', '暖气', '供暖', '取暖', '设备', '设施', '故障', '自助机', '自助寄件机', '自助终端', '自助打印机', '叫号机', '排号机', '自助', '断电', '空调', '电梯', '台阶', '无障碍', '轮椅', '坡道', '卡纸', '邮筒', '扫码器', '失灵', '格口', '年久失修', '漏雨', '椅子', '等候区', '雨棚', '遮雨棚', '门锁', '找零', '找不了零'),
    term(3, 'kiosk', 'out of order', 'wheelchair', 'ramp', 'faulty', 'malfunction', 'malfunctioning', 'self-service', 'air conditioning', 'mailbox', 'postbox', 'post box', 'drop box', 'lift', 'elevator', 'jammed', 'keypad'),
    term(2, '柜门', '关不上', '黑屏', '屏幕', '不亮', '打不开', '没反应', '打印机', '电子秤', '称重设备', '秤', '机器', '没人修', '维修', '放不下', '锈', '破旧', 'locker', 'machine', 'scale', 'screen', 'printer', 'stairs', 'not working', 'broken down'),
    term(1.5, '快递柜', '智能柜', '取件柜', '丰巢', '取件码', '扫码', '不准', '座椅', '厕所'),
  ],
  privacy: [
    term(4, /(?:面单|快递单|运单).{0,10}(?:拍|发到|传到|晒)/, '发到网上', '发到了网上', '传到网上'),
    term(5, 'slit open', '剪开再封', '开拆', /被(?:人)?(?:剪开|划开)(?:再|又|后)/, 'cut open', 'who opened', 'taped back up', '私自拆', '私拆', '私自开拆', '擅自开拆', '擅自拆', '通信自由', '通信秘密', /(?:未经|没经过?|不经)(?:我的?)?(?:允许|同意).{0,10}(?:拆|开箱|划开|打开|剪开|割开)/, /(?:擅自|私自|随便|偷偷)(?:把我的?)?(?:打开|拆开|拆了|划开|剪开|开箱)/, /(?:打开|拆开|划开)了?我的(?:包裹|快递|箱子|件|信)/, /被(?:人)?(?:私自)?(?:拆开|打开|开过箱|开箱|拆过)/, /(?:arrived|was|were|been) opened/, /opened (?:my|it|the) .{0,60}(?:without|before)/, 'without my permission'),
    term(4, '泄露', '泄漏', '漏出去', '隐私', '个人信息', '信息安全', '客户信息', '客户名单', '明文', '被黑', '黑客', '倒卖', '出卖', new RegExp('(?:把|将)(?:我的?|客户的?)?(?:电话|号码|手机号|个人信息|信息|名单|资料|地址|住址|身份证).{0,6}(?:给了?|告诉|透露|卖|发)')),
    term(4, /(?:信息|资料|数据|电话|号码).{0,8}(?:卖|出售|倒卖|外泄)/, /(?:把|将)我的(?:包裹|快递|箱子|件|信)(?:给)?(?:拆开|打开|拆了|划开)/, /(?:没|不|未)同意.{0,8}(?:拆|开箱|打开)/),
    term(5, /(?:gave|passed|shared|handed) (?:out )?my (?:phone )?(?:number|details|address|information)/),
    term(4, /(?:告诉|透露给|说给)了?(?:邻居|别人|其他人|陌生人|同事)/),
    term(3, '开箱检查', '开箱验'),
    term(4, 'personal information', 'personal data', 'personal details', 'privacy', 'leaked', 'leak', 'data breach', 'breached', 'unmasked', 'sold my'),
    term(3, '诈骗', '骗子', '冒充', '推销', '贷款电话', '骚扰', '打码', '加我微信', '发到群里', '群里', '朋友圈', '陌生短信', '陌生电话', '身份证号', '身份证复印件', '卖给', '大声念', '念出', '全名', '听见了'),
    term(4, /(?:买的东西|买了什么|寄的东西).{0,10}(?:说出来|告诉|念出来|喊出来)/, /知道我(?:寄|买)(?:的是|了)什么/, /加(?:他|她)(?:的)?微信/, /大声(?:问|念|喊|说).{0,10}(?:买|药|名字|电话|地址)/, 'taped up again', '一个人住', 'live alone', '约我出去', /(?:发消息|发信息|发微信)约我/),
    term(3, 'photographed my', 'visible to anyone', 'anyone can see', 'texting me', 'messaging me', 'personal messages', 'asked me out', 'scam', 'spam calls', 'spam', 'exposes', 'exposed', 'social media', 'keeps texting', 'my number', 'my details', 'gave out', 'gave away', 'how did they get', 'fake', 'my id', 'id card', 'id number', 'photo of my', 'consent', 'storing'),
    term(2, '面单', '陌生人', '谁都能看到', '露出来', '住址', '家庭住址', '订单信息', '名单', '截图', '贴在墙上', '一目了然', '念给', 'waybill', 'full name', 'phone number'),
    term(1, '手机号', '电话号码', '拍照', '姓名', '身份证', 'data', 'my address', 'address'),
  ],
  other: [
    term(3, 'please add', 'in our village', '我们村'),
    term(3, '噪音', '噪声', '吵得', '扰民', '大声喊', '消防通道', '乱停', '乱放', '堵路', '占道', '盲道', '挡住', '环保', '塑料', '过度包装', '回收', '抽烟', '烟味', '招聘', '工资', '底薪', '面试', '马路', '路边', '发动机', '形象', '拖鞋', '绿化', '重复使用', '可循环', '宣传单', '传单', '小广告', '广告牌', '开得飞快', '超速', '闯红灯', '又脏又臭', '没人清理'),
    term(3, 'noise', 'noisy', 'loud', 'fire lane', 'blocking', 'plastic', 'recycle', 'recycling', 'go green', 'environment', 'smoking', 'speeding', 'flyers', 'billboard', 'advert', 'advertising', 'scratched my car', 'hit my car', 'drove off', 'hiring', 'salary'),
    term(4, '绿化带', '草坪', '花坛', '表扬', '点赞', 'compliment', 'praise', /(?:设|建|装|放|开)(?:个|一个)(?:快递柜|驿站|网点|取件点|代收点)/),
    term(4, '大声打电话'),
    term(3, 'cigarette', '吵'),
    term(2, /有没有.{0,10}服务/),
    term(3, '随地', '乱扔垃圾', '乱拉', '危险', '安全隐患'),
    term(2, 'would it be possible', 'could you', 'it would be great', '建议', '设个网点', '设网点', '增设', '撞', '刮了', '垃圾', '纸壳', '周末', '午睡', 'please consider', 'suggest', 'suggestion', 'would be nice', 'it would help', 'sunday delivery', 'weekend delivery', 'parking lot', 'all night', 'lights'),
    term(1, '希望', '能不能', '提供', '电动车', '三轮车', '喊', '脏', '臭', 'tricycle', 'van', 'vans', 'dog', 'barks'),
  ],
};

interface Signal {
  category: Category;
  weight: number;
  negatable: boolean;
  pattern: RegExp;
}

interface Match {
  signal: Signal;
  start: number;
  end: number;
}

const CJK = /[\u3400-\u9fff]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Latin words match whole words only ("late" is not in "translate"); Chinese has no word boundaries. */
function compile(pattern: Pattern): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, 'gu');
  const literal = escapeRegExp(pattern.toLowerCase()).replace(/ +/g, '\\s+');
  return new RegExp(CJK.test(pattern) ? literal : `(?<![a-z0-9])${literal}(?![a-z0-9])`, 'gu');
}

const SIGNALS: readonly Signal[] = (Object.entries(VOCABULARY) as [Category, readonly TermGroup[]][]).flatMap(
  ([category, groups]) =>
    groups.flatMap((group) =>
      group.patterns.map((pattern) => ({
        category,
        weight: group.weight,
        negatable: group.negatable,
        pattern: compile(pattern),
      })),
    ),
);

/** Full-width forms to ASCII (ＡＰＰ, ！), one case, one kind of space and apostrophe. */
function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').replace(/[‘’]/gu, "'");
}

function allMatches(text: string): Match[] {
  const matches: Match[] = [];
  for (const signal of SIGNALS) {
    for (const found of text.matchAll(signal.pattern)) {
      if (found[0].length === 0) continue;
      matches.push({ signal, start: found.index, end: found.index + found[0].length });
    }
  }
  return matches;
}

/** The longer phrase explains the text better: "快递柜故障" is about the locker, so its "快递柜" and "故障"
 * do not count again. Matches of exactly the same span may count for several categories. */
function keepLongest(matches: Match[]): Match[] {
  const byLength = [...matches].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || b.signal.weight - a.signal.weight,
  );
  const kept: Match[] = [];
  for (const match of byLength) {
    const clashes = kept.some(
      (other) =>
        match.start < other.end &&
        other.start < match.end &&
        !(match.start === other.start && match.end === other.end),
    );
    if (!clashes) kept.push(match);
  }
  return kept;
}

// "是不是丢了" asks whether it was lost: 是 is no filler after a negation.
const CJK_NEGATION = /(?:没有|没|未|无|不|并非|并未)[被有都也]?$/u;
const LATIN_NEGATION = /^(?:no|not|never|without|nothing|none|nor)$|n't$/u;

/** "没有破损", "东西倒是没少", "not damaged", "nothing was missing". */
function isNegated(text: string, match: Match): boolean {
  const before = text.slice(Math.max(0, match.start - 24), match.start);
  const clause = before.split(/[,.;!?，。；！？]/u).at(-1) ?? '';
  if (CJK.test(text[match.start] ?? '')) return CJK_NEGATION.test(clause.slice(-3));
  return clause
    .trim()
    .split(/\s+/u)
    .slice(-4)
    .some((word) => LATIN_NEGATION.test(word));
}

function scores(text: string): Map<Category, number> {
  const counted = new Set<Signal>();
  const totals = new Map<Category, number>();
  for (const match of keepLongest(allMatches(text))) {
    if (counted.has(match.signal)) continue;
    if (match.signal.negatable && isNegated(text, match)) continue;
    counted.add(match.signal);
    totals.set(match.signal.category, (totals.get(match.signal.category) ?? 0) + match.signal.weight);
  }
  return totals;
}

function confidenceOf(top: number, runnerUp: number): number {
  const evidence = 1 - Math.exp(-top / EVIDENCE_SCALE);
  const clarity = top / (top + runnerUp);
  return Math.round(evidence * clarity * 100) / 100;
}

let model: BayesModel | undefined;

/** Learnt on first use from the labelled corpus (about a thousand texts: a few milliseconds). */
function bayesModel(): BayesModel {
  model ??= trainBayes(corpus as LabelledText[], TIE_BREAK_ORDER, normalise);
  return model;
}

/** The model learnt from other texts than the corpus's (the report's cross-validation). */
export function trainClassifierModel(examples: readonly LabelledText[]): BayesModel {
  return trainBayes(examples, TIE_BREAK_ORDER, normalise);
}

/** Classifies a complaint description into one of the SPEC's categories. */
export function classify(description: string, learnt: BayesModel = bayesModel()): ClassifierResult {
  const text = normalise(description);
  const totals = scores(text);
  const probabilities = posterior(learnt, text);
  for (const [category, probability] of probabilities ?? []) {
    totals.set(category, (totals.get(category) ?? 0) + BAYES_WEIGHT * probability);
  }
  const ranked = TIE_BREAK_ORDER.map((category) => ({ category, score: totals.get(category) ?? 0 })).sort(
    (a, b) => b.score - a.score,
  );
  const [first, second] = ranked;
  if (!first || first.score === 0) return { category: 'other', confidence: NO_SIGNAL_CONFIDENCE };
  return { category: first.category, confidence: confidenceOf(first.score, second?.score ?? 0) };
}
