"""Deterministic synthetic corpus of wallet-support threads for the search benchmark.

60% Chinese / 40% English threads built from templates and support vocabulary, so queries see
realistic match counts: "钱包", "USDT", "wallet" are in a third of the posts or more, product
names and error codes are rare. Imports only the standard library.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from forum.search import Doc as Post

CATEGORIES = {1: "account", 2: "transactions", 3: "technical", 4: "feedback", 5: "announcements"}
START = datetime(2023, 1, 1)
SPAN_DAYS = 730

COINS = ["USDT", "USDT", "USDT", "TRX", "ETH", "BNB", "USDC", "BTC", "MATIC", "SHIB", "DOGE"]
CHAINS_ZH = ["波场", "以太坊", "币安链", "马蹄链", "TRC20", "ERC20", "BSC", "Polygon"]
CHAINS_EN = ["TRON", "Ethereum", "BNB Chain", "Polygon", "TRC20", "ERC20", "BSC", "Arbitrum"]
EXCHANGES = ["币安", "欧易", "火币", "Binance", "OKX", "Huobi", "Gate", "Bitget", "KuCoin"]
DEVICES = [
    "iPhone 13",
    "iPhone 15",
    "小米 13",
    "华为 P50",
    "三星 S23",
    "OPPO Reno",
    "vivo X90",
    "Pixel 7",
    "Redmi Note 12",
    "iPad",
    "Windows 电脑",
    "MacBook",
]
DEVICES_EN = [
    "iPhone 13",
    "iPhone 15",
    "Pixel 7",
    "Samsung S23",
    "Xiaomi 13",
    "OnePlus 11",
    "iPad",
    "Windows laptop",
    "MacBook Air",
    "Huawei P50",
]
DAPPS = ["PancakeSwap", "Uniswap", "SunSwap", "JustLend", "OpenSea", "Curve", "1inch", "Stargate"]
ERRORS = [
    "Error 500",
    "余额不足",
    "签名失败",
    "网络错误",
    "节点超时",
    "Out of Energy",
    "execution reverted",
    "nonce too low",
    "insufficient funds",
    "TRANSFER_FAILED",
]

# Each topic: (category, Chinese titles, Chinese question sentences, Chinese answer sentences,
#              English titles, English question sentences, English answer sentences)
TOPICS = [
    (
        2,
        [
            "{coin}转账一直在等待确认",
            "转账显示等待确认怎么办",
            "为什么我的转账一直没到账",
            "{coin}转账没到账",
            "转出{amount}{coin}两个小时还没到账",
        ],
        [
            "我在{time}从钱包转了{amount}个{coin}到{exchange}，到现在还显示等待确认。",
            "交易哈希已经有了，但是区块浏览器上查不到。",
            "用的是{chain}网络，手续费也付了。",
            "对方说没有收到，钱包里的余额已经扣了。",
            "之前转账都是几分钟就到账，这次特别慢。",
            "设备是{device}，钱包版本 {version}。",
            "请问是不是网络拥堵？要等多久？",
        ],
        [
            "您好，请先在区块浏览器里用交易哈希查询状态。",
            "如果显示打包中，说明网络拥堵，请耐心等待确认。",
            "{chain}网络高峰期确认会慢一些，一般半小时内会到账。",
            "可以在钱包里使用加速功能提高矿工费。",
            "如果交易失败，余额会退回到您的钱包地址。",
            "请确认收款地址和网络是否一致，不同链之间不能直接转账。",
            "交易所到账还需要他们的确认数，请联系{exchange}客服。",
        ],
        [
            "{coin} transfer stuck on pending",
            "Transfer pending for hours",
            "Why is my transfer not arriving",
            "Sent {coin} but the exchange has not received it",
            "Transaction pending after {time}",
        ],
        [
            "I sent {amount} {coin} from my wallet to {exchange} {time} and it is still pending.",
            "The transaction hash shows in the wallet but the explorer cannot find it.",
            "I used the {chain} network and paid the network fee.",
            "The recipient says nothing arrived yet.",
            "Normally transfers arrive within minutes, this one is stuck.",
            "Device is {device_en}, wallet version {version}.",
            "Is the network congested? How long should I wait?",
        ],
        [
            "Hi, please look up the transaction hash in the block explorer first.",
            "If it shows pending, the network is busy and the transfer will confirm later.",
            "On {chain} confirmations can take up to 30 minutes at peak times.",
            "You can use speed up in the wallet to raise the fee.",
            "If the transaction failed, the funds return to your wallet address.",
            "Check that the receiving address and the network match; you cannot send across chains directly.",
            "Exchanges credit deposits after their own confirmations, contact {exchange} support.",
        ],
    ),
    (
        2,
        [
            "{chain}手续费太贵了",
            "转{coin}为什么要这么多矿工费",
            "能量不足转账失败",
            "带宽和能量是什么",
            "矿工费怎么算的",
        ],
        [
            "转{amount}{coin}要扣好几个TRX的手续费，太贵了。",
            "提示能量不足，转账失败了。",
            "钱包里有{coin}但是没有TRX，转不出去。",
            "听说可以租赁能量或者冻结TRX获得带宽，怎么操作？",
            "以太坊的gas费有时候比转账金额还高。",
        ],
        [
            "{chain}上转USDT需要消耗能量和带宽，不够时会燃烧TRX作为手续费。",
            "钱包里保留一些TRX用来支付矿工费就可以正常转账。",
            "可以在资源页面冻结TRX获得能量，或者租赁能量。",
            "以太坊的gas费由网络拥堵程度决定，可以选择低峰时段转账。",
            "手续费是付给矿工的，钱包不收取额外费用。",
        ],
        [
            "{chain} network fee is too high",
            "Why do I need so much gas fee",
            "Out of energy, transfer failed",
            "What are energy and bandwidth",
            "How is the fee calculated",
        ],
        [
            "Sending {amount} {coin} costs several TRX in fees, that is expensive.",
            "It says out of energy and the transfer failed.",
            "I have {coin} but no TRX so I cannot send it.",
            "Can I rent energy or freeze TRX to get bandwidth?",
            "The gas fee on Ethereum is sometimes higher than the amount.",
        ],
        [
            "On {chain} a USDT transfer consumes energy and bandwidth; when you have none, TRX is burned as the fee.",
            "Keep some TRX in the wallet to pay the network fee.",
            "Freeze TRX on the resources page to get energy, or rent energy.",
            "Gas fees on Ethereum depend on congestion, send at quiet hours.",
            "Fees go to the network validators, the wallet does not charge extra.",
        ],
    ),
    (
        1,
        [
            "助记词导入后余额为零",
            "用助记词恢复钱包找不到资产",
            "助记词忘记备份了怎么办",
            "导入钱包后地址不一样",
            "换手机后怎么恢复钱包",
        ],
        [
            "我换了新手机{device}，用助记词导入钱包后余额是0。",
            "导入后显示的地址和原来的不一样。",
            "旧手机已经丢了，只记得部分助记词。",
            "之前是用私钥导入的，现在不知道怎么恢复。",
            "是不是选错了链？",
        ],
        [
            "请确认导入时选择的链和原来一致，不同链的地址不同。",
            "助记词导入会恢复所有地址，请在资产页面添加对应代币。",
            "请注意：任何人向您索要助记词都是诈骗，官方客服绝不会要助记词。",
            "如果没有备份助记词或私钥，钱包无法恢复。",
            "可以尝试切换派生路径，有些钱包使用不同的路径。",
        ],
        [
            "Balance is zero after importing seed phrase",
            "Restored wallet with recovery phrase but no assets",
            "Forgot to back up my seed phrase",
            "Different address after import",
            "How to restore wallet on a new phone",
        ],
        [
            "I moved to a new phone ({device_en}) and imported my recovery phrase, but the balance is 0.",
            "The address after import is different from my old one.",
            "My old phone is lost and I only remember some words.",
            "I originally imported with a private key.",
            "Did I choose the wrong chain?",
        ],
        [
            "Make sure you pick the same chain as before, addresses differ per chain.",
            "Importing the recovery phrase restores every address; add the tokens on the assets page.",
            "Never share your seed phrase: anyone asking for it is a scammer, support will never ask.",
            "Without a backup of the recovery phrase or private key the wallet cannot be restored.",
            "Try another derivation path, some wallets use a different one.",
        ],
    ),
    (
        3,
        [
            "更新后闪退",
            "升级到{version}打开就崩溃",
            "钱包一直白屏打不开",
            "{device}上APP闪退",
            "新版本卡顿严重",
        ],
        [
            "昨天升级到{version}以后，一打开钱包就闪退。",
            "设备是{device}，系统已经是最新的。",
            "重启手机也没用，卸载重装又怕资产丢失。",
            "打开DApp浏览器的时候就卡住然后崩溃。",
            "安装包是从官网下载的。",
        ],
        [
            "请先备份好助记词，然后卸载重新安装最新版本，资产在链上不会丢失。",
            "{version}在部分安卓机型上有兼容问题，已在下个版本修复。",
            "请清除应用缓存后再打开。",
            "请只从官网或应用商店下载安装包，不要安装来路不明的APK。",
            "如果还是闪退，请把系统版本和截图发给我们。",
        ],
        [
            "App crashes after update",
            "Crash on launch after upgrading to {version}",
            "Wallet shows a blank screen",
            "App keeps crashing on {device_en}",
            "New version freezes",
        ],
        [
            "Since I updated to {version} yesterday the app crashes as soon as it opens.",
            "My device is {device_en} with the latest OS.",
            "Restarting did not help; I am afraid to reinstall.",
            "It freezes and crashes when I open the DApp browser.",
            "I downloaded the installer from the official site.",
        ],
        [
            "Back up your recovery phrase first, then uninstall and install the latest version; assets live on chain.",
            "{version} has a compatibility problem on some Android phones, fixed in the next release.",
            "Clear the app cache and open it again.",
            "Only install from the official site or the app store, never an unknown APK.",
            "If it still crashes, send us the OS version and a screenshot.",
        ],
    ),
    (
        2,
        [
            "闪兑失败",
            "{dapp}兑换一直失败",
            "滑点设置多少合适",
            "兑换后代币没显示",
            "跨链桥转账没到",
        ],
        [
            "在钱包里用闪兑把{coin}换成TRX，提示失败。",
            "在{dapp}上兑换，报错 {error}。",
            "滑点已经调到3%了还是失败。",
            "兑换成功了但是资产里看不到新代币。",
            "用跨链桥从{chain}转过去还没到账。",
        ],
        [
            "兑换失败通常是滑点太低或者流动性不足，可以适当提高滑点。",
            "请确认有足够的主链币支付手续费。",
            "新代币需要在资产页面手动添加合约地址才能显示。",
            "跨链桥一般需要10到30分钟，请在桥的页面查询状态。",
            "报错 {error} 说明合约执行失败，资产会退回。",
        ],
        [
            "Swap failed",
            "Swap on {dapp} keeps failing",
            "What slippage should I use",
            "Token not showing after swap",
            "Bridge transfer not arrived",
        ],
        [
            "I tried to swap {coin} to TRX in the wallet and it failed.",
            "On {dapp} the swap fails with {error}.",
            "I raised slippage to 3% and it still fails.",
            "The swap succeeded but I cannot see the new token.",
            "I bridged from {chain} and nothing arrived yet.",
        ],
        [
            "Swaps usually fail because slippage is too low or liquidity is thin; raise slippage a little.",
            "Make sure you have enough native coin to pay the fee.",
            "Add the token by contract address on the assets page to display it.",
            "Bridges take 10 to 30 minutes, check the status on the bridge page.",
            "{error} means the contract call reverted; funds are returned.",
        ],
    ),
    (
        1,
        [
            "授权后资产被盗",
            "钱包被盗了怎么办",
            "怎么取消授权",
            "点了陌生链接后币没了",
            "假客服骗走了助记词",
        ],
        [
            "昨天在一个网站上授权了{coin}，今天发现资产被转走了。",
            "钱包里的{amount}{coin}全部被盗，转到了陌生地址。",
            "有人冒充客服私信我，让我提供助记词。",
            "不知道什么时候给一个合约授权了无限额度。",
            "现在还能追回吗？",
        ],
        [
            "请立即在授权管理里取消可疑授权，并把剩余资产转到新钱包。",
            "区块链转账不可逆，被盗资产通常无法追回，请报警处理。",
            "官方客服不会私信您，也不会索要助记词或私钥，那是诈骗。",
            "以后不要点击陌生链接，不要在不明网站授权。",
            "可以用区块浏览器查看授权记录。",
        ],
        [
            "Funds stolen after approval",
            "My wallet was hacked",
            "How to revoke an approval",
            "Clicked a link and my coins are gone",
            "Fake support took my seed phrase",
        ],
        [
            "I approved {coin} on a website yesterday and today my assets were drained.",
            "All {amount} {coin} were stolen and sent to an unknown address.",
            "Someone pretending to be support messaged me asking for my recovery phrase.",
            "I gave a contract unlimited approval without noticing.",
            "Can I get it back?",
        ],
        [
            "Revoke the suspicious approval in approval management and move the rest to a new wallet.",
            "Blockchain transfers are irreversible; stolen funds usually cannot be recovered, report it to the police.",
            "Official support never messages you first and never asks for your seed phrase or private key: that is a scam.",
            "Do not open unknown links or approve contracts on unknown sites.",
            "Check approvals in the block explorer.",
        ],
    ),
    (
        2,
        [
            "从{exchange}提现没到账",
            "提币到钱包选哪个网络",
            "充值到交易所不到账",
            "提现显示成功但钱包没有",
            "{exchange}提现{coin}到钱包",
        ],
        [
            "从{exchange}提现{amount}{coin}到钱包，交易所显示已完成，钱包里没有。",
            "提币的时候选了{chain}网络。",
            "充值到{exchange}用的地址是复制的，没有填错。",
            "是不是网络选错了？",
        ],
        [
            "请确认提现网络和钱包地址所在的链一致，比如TRC20地址只能收波场网络的USDT。",
            "在钱包里添加对应的代币后才能看到余额。",
            "用交易所给的交易哈希在区块浏览器查询。",
            "如果网络选错，资产可能在另一条链上的同一地址，切换链查看即可。",
        ],
        [
            "Withdrawal from {exchange} not received",
            "Which network to choose for withdrawal",
            "Deposit to exchange not credited",
            "Withdraw shows complete but wallet is empty",
            "Withdraw {coin} from {exchange} to wallet",
        ],
        [
            "I withdrew {amount} {coin} from {exchange} to my wallet, the exchange says completed but nothing arrived.",
            "I chose the {chain} network when withdrawing.",
            "I copied the deposit address, it is correct.",
            "Did I pick the wrong network?",
        ],
        [
            "The withdrawal network must match the chain of your wallet address, a TRC20 address only receives TRON USDT.",
            "Add the token in the wallet to see the balance.",
            "Look up the exchange's transaction hash in the explorer.",
            "If the network was wrong the funds may sit at the same address on another chain; switch chains to see them.",
        ],
    ),
    (
        3,
        [
            "硬件钱包连接不上",
            "冷钱包怎么签名",
            "观察钱包怎么添加",
            "多签钱包设置",
            "Ledger连接失败",
        ],
        [
            "用{device}通过蓝牙连接硬件钱包一直失败。",
            "想把冷钱包的地址添加成观察钱包，只看余额。",
            "多签钱包需要几个人签名才能转账？",
            "Ledger固件已经升级到最新。",
        ],
        [
            "请确认硬件钱包已解锁并打开对应的应用，再重新连接。",
            "观察钱包只能查看余额，不能转账，添加地址即可。",
            "冷钱包需要扫码签名，签名后再广播交易。",
            "多签的签名数量在创建时设置，可以在设置里查看。",
        ],
        [
            "Hardware wallet will not connect",
            "How to sign with a cold wallet",
            "How to add a watch wallet",
            "Multisig wallet setup",
            "Ledger connection failed",
        ],
        [
            "Connecting my hardware wallet over Bluetooth from {device_en} keeps failing.",
            "I want to add my cold wallet address as a watch-only wallet.",
            "How many signatures does the multisig need?",
            "Ledger firmware is up to date.",
        ],
        [
            "Unlock the hardware wallet and open the right app on it, then reconnect.",
            "A watch wallet only shows the balance, it cannot send; just add the address.",
            "A cold wallet signs by QR code, then the wallet broadcasts the transaction.",
            "The number of signatures is set when the multisig is created, see settings.",
        ],
    ),
    (
        1,
        ["登录不了", "忘记钱包密码", "指纹解锁失效", "创建钱包失败", "切换账户后钱包不见了"],
        [
            "打开APP需要输入密码，但是我忘记密码了。",
            "更新后指纹和面容都用不了。",
            "创建钱包的时候一直转圈。",
            "登录插件钱包提示密码错误。",
        ],
        [
            "钱包密码只保存在本机，忘记后可以用助记词重新导入并设置新密码。",
            "请在设置里重新开启生物识别。",
            "请检查网络连接后重试创建钱包。",
            "插件钱包的密码与手机端是分开设置的。",
        ],
        [
            "Cannot log in",
            "Forgot wallet password",
            "Fingerprint unlock stopped working",
            "Create wallet fails",
            "Wallet disappeared after switching accounts",
        ],
        [
            "The app asks for my password and I forgot it.",
            "After the update fingerprint and face ID do not work.",
            "Creating a wallet spins forever.",
            "The browser extension says wrong password.",
        ],
        [
            "The password is stored only on this device; import the recovery phrase again to set a new password.",
            "Re-enable biometrics in settings.",
            "Check the network connection and try creating the wallet again.",
            "The extension password is separate from the phone app.",
        ],
    ),
    (
        4,
        [
            "建议增加{chain}支持",
            "希望支持更多语言",
            "建议优化手续费显示",
            "NFT显示有问题",
            "建议加入地址簿",
        ],
        [
            "希望钱包能支持{chain}上的更多代币。",
            "NFT藏品的图片经常加载不出来。",
            "转账前能不能显示预计手续费？",
            "能不能加一个常用地址簿功能？",
        ],
        [
            "感谢建议，已经反馈给产品团队。",
            "地址簿功能在设置里已经有了，可以添加常用地址。",
            "NFT图片来自第三方服务，加载慢时请稍后再试。",
        ],
        [
            "Please add {chain} support",
            "More languages please",
            "Show the fee before sending",
            "NFT images not loading",
            "Suggestion: address book",
        ],
        [
            "I would like more tokens on {chain}.",
            "NFT collectible images often fail to load.",
            "Could the wallet show the estimated fee before sending?",
            "Please add an address book.",
        ],
        [
            "Thanks, forwarded to the product team.",
            "There is an address book in settings already.",
            "NFT images come from a third-party service, try again later.",
        ],
    ),
    (
        2,
        [
            "怎么添加自定义代币",
            "代币余额不显示",
            "空投代币怎么领取",
            "质押收益没到账",
            "合约地址在哪里找",
        ],
        [
            "收到了一个空投代币但是资产列表里没有。",
            "想添加{coin}的合约地址，不知道在哪里找。",
            "质押了{amount}TRX，收益一直没到账。",
        ],
        [
            "在资产页面点加号，搜索代币或粘贴合约地址添加。",
            "合约地址请在项目官网或区块浏览器上核对，小心假币。",
            "陌生空投代币可能是诈骗，不要去授权或兑换。",
            "质押收益按周期发放，请在质押页面查看。",
        ],
        [
            "How to add a custom token",
            "Token balance not showing",
            "How to claim an airdrop",
            "Staking rewards missing",
            "Where to find the contract address",
        ],
        [
            "I received an airdrop token but it is not in my assets.",
            "I want to add {coin} by contract address.",
            "I staked {amount} TRX and the rewards never arrived.",
        ],
        [
            "Tap plus on the assets page and search the token or paste its contract address.",
            "Check the contract address on the project site or the explorer, beware of fake tokens.",
            "Unknown airdropped tokens are often scams; do not approve or swap them.",
            "Staking rewards are paid per cycle, see the staking page.",
        ],
    ),
]

FILLER_ZH = [
    "谢谢大家。",
    "在线等，挺急的。",
    "麻烦帮忙看一下。",
    "截图已经上传。",
    "试了好几次都一样。",
    "请问有人遇到过吗？",
    "钱包用了两年第一次遇到。",
    "我的钱包里还有一些USDT。",
]
FILLER_EN = [
    "Thanks in advance.",
    "Any help appreciated.",
    "Screenshot attached.",
    "Tried several times.",
    "Has anyone seen this before?",
    "I have used this wallet for two years.",
    "I still hold some USDT in the wallet.",
]
ANSWER_OPEN_ZH = ["您好，", "你好，", "同样遇到过，", "", "", "补充一下，"]
ANSWER_CLOSE_ZH = ["有问题再联系。", "希望能帮到你。", "", "", "我的钱包也是这样解决的。"]
ANSWER_OPEN_EN = ["Hi, ", "Hello, ", "Same here, ", "", "", "To add to that, "]
ANSWER_CLOSE_EN = [
    "Hope this helps.",
    "Let us know if it persists.",
    "",
    "",
    "That fixed it in my wallet.",
]
NAMES_ZH = [
    "小王",
    "币圈老李",
    "阿强",
    "TP用户",
    "区块链新手",
    "志愿者小张",
    "客服小美",
    "老韭菜",
    "链上侦探",
    "木子",
]
NAMES_EN = [
    "alice",
    "bob_crypto",
    "satoshi_fan",
    "helper_jo",
    "support_mia",
    "newbie42",
    "chainwatcher",
    "dave",
]
VERSIONS = ["1.7.3", "1.8.0", "1.8.2", "2.0.1", "2.1.0", "2.3.5"]
TIMES_ZH = ["昨天晚上", "今天早上", "两个小时前", "上周", "刚才"]
TIMES_EN = ["yesterday", "this morning", "two hours ago", "last week", "an hour ago"]

_S2T = str.maketrans(
    "钱转账币务发确认应该这为过还没时设备资产网络记录连脑换签",
    "錢轉賬幣務發確認應該這為過還沒時設備資產網絡記錄連腦換簽",
)


def _fill(rng: random.Random, template: str, zh: bool) -> str:
    return template.format(
        coin=rng.choice(COINS),
        chain=rng.choice(CHAINS_ZH if zh else CHAINS_EN),
        exchange=rng.choice(EXCHANGES),
        device=rng.choice(DEVICES),
        device_en=rng.choice(DEVICES_EN),
        amount=rng.choice(["100", "50", "1000", "2.5", "300", "20"]),
        version=rng.choice(VERSIONS),
        time=rng.choice(TIMES_ZH if zh else TIMES_EN),
        dapp=rng.choice(DAPPS),
        error=rng.choice(ERRORS),
    )


def _text(
    rng: random.Random, sentences: list[str], filler: list[str], lo: int, hi: int, zh: bool
) -> str:
    picked = rng.sample(sentences, min(len(sentences), rng.randint(lo, hi)))
    if filler and rng.random() < 0.6:
        picked.append(rng.choice(filler))
    # a sentence from another topic now and then, as in real posts
    if rng.random() < 0.3:
        other = rng.choice(TOPICS)
        picked.append(rng.choice(other[2] if zh else other[5]))
    return ("" if zh else " ").join(_fill(rng, s, zh) for s in picked)


def generate(posts: int = 100_000, seed: int = 20240501) -> list[Post]:
    """About `posts` posts in threads of one question and 0-9 answers, oldest thread first."""
    rng = random.Random(seed)
    out: list[Post] = []
    thread_id = 0
    while len(out) < posts:
        thread_id += 1
        zh = rng.random() < 0.6
        topic = rng.choice(TOPICS)
        category = topic[0] if rng.random() < 0.85 else rng.choice(list(CATEGORIES))
        titles, q, a = (topic[1], topic[2], topic[3]) if zh else (topic[4], topic[5], topic[6])
        filler = FILLER_ZH if zh else FILLER_EN
        created = START + timedelta(minutes=rng.randrange(SPAN_DAYS * 24 * 60))
        title = _fill(rng, rng.choice(titles), zh)
        n_answers = min(posts - len(out) - 1, rng.choice([0, 1, 2, 3, 3, 4, 4, 5, 6, 9]))
        accepted = rng.randrange(n_answers) if n_answers and rng.random() < 0.55 else -1
        traditional = zh and rng.random() < 0.05
        names = NAMES_ZH if zh else NAMES_EN
        bodies = [_text(rng, q, filler, 2, 5, zh)]
        for i in range(max(n_answers, 0)):
            opener = rng.choice(ANSWER_OPEN_ZH if zh else ANSWER_OPEN_EN)
            closer = rng.choice(ANSWER_CLOSE_ZH if zh else ANSWER_CLOSE_EN)
            body = (
                opener
                + _text(rng, a, [], 1, 3 if i != accepted else 4, zh)
                + ("" if zh else " ")
                + closer
            )
            bodies.append(body.strip())
        for i, body in enumerate(bodies):
            if traditional:
                body = body.translate(_S2T)
            out.append(
                Post(
                    post_id=len(out) + 1,
                    thread_id=thread_id,
                    category_id=category,
                    is_question=i == 0,
                    is_accepted=i - 1 == accepted,
                    thread_solved=accepted >= 0,
                    title=title.translate(_S2T) if traditional else title,
                    body=body,
                    author_name=rng.choice(names),
                    created_at=created + timedelta(hours=i * rng.randint(1, 20)),
                    thread_created_at=created,
                )
            )
    return out


if __name__ == "__main__":
    sample = generate(2000)
    for p in sample[:12]:
        print(p.thread_id, p.post_id, p.is_question, p.is_accepted, p.title, "|", p.body[:160])
