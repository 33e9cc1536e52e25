// The render benchmark's reply: a deterministic Chinese markdown document of a given token size (the simulator's
// own token estimate), with every construct a chat renderer has to get right while it streams: headings, long
// paragraphs, 4 GFM tables, 6 fenced code blocks, inline `$…$` and display `$$…$$` math, CJK bold next to
// full-width punctuation, ordered/unordered/nested lists and block quotes. Seeded PRNG, no Math.random.
import { tokenCost } from "../../lib/simulator/tokens";

export interface CorpusExpectations {
  tables: number;
  codeBlocks: number;
  /** First line of each code block's body, in order (fidelity: each must appear inside a <pre>). */
  codeFirstLines: string[];
  inlineMath: number;
  displayMath: number;
  /** Exact text of every bold span that sits next to full-width punctuation (must render inside <strong>). */
  cjkBold: string[];
  headings: number;
  blockquotes: number;
  lists: number;
  /** The last sentence of the reply: the final text must contain it. */
  ending: string;
}

export interface Corpus {
  text: string;
  tokens: number;
  chars: number;
  expect: CorpusExpectations;
}

/** mulberry32: tiny, fast, good enough for picking words. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "流式渲染器",
  "网关代理层",
  "浏览器主线程",
  "增量解析器",
  "服务端生成任务",
  "前端状态管理",
  "虚拟滚动列表",
  "语法高亮模块",
  "公式排版引擎",
  "缓存失效策略",
  "重试与退避机制",
  "会话持久化层",
  "限流组件",
  "长连接管理器",
  "消息队列消费者",
  "监控与告警系统",
];
const VERBS = [
  "需要在每次更新时",
  "通常会在高峰时段",
  "应当尽量避免",
  "可以通过批量合并来",
  "往往在不经意间",
  "必须在设计之初就",
  "在真实流量下会",
  "借助细粒度的记忆化",
  "在四倍降速的条件下依然",
  "配合分块提交可以",
];
const OBJECTS = [
  "重新解析整段文本，导致时间复杂度随着回复长度呈平方级增长",
  "把已经稳定的段落冻结下来，只对最后一个仍在变化的块做增量更新",
  "降低样式重算与布局的范围，使每一帧的工作量保持在预算之内",
  "保证首个字符尽快出现在屏幕上，让用户感知到系统正在响应",
  "处理尚未闭合的代码围栏、表格与公式，避免界面出现闪烁和跳动",
  "在中文全角标点旁边正确识别强调语法，而不是把星号原样显示出来",
  "把网络抖动造成的突发数据平滑地呈现出来，而不是一次性堆到页面上",
  "控制长任务的数量，让输入框在回复生成期间依然保持流畅",
  "在回复结束后立即给出最终排版，不让用户再等待额外的一轮渲染",
  "记录每一次提交所花费的脚本时间，以便在回归测试中及时发现问题",
  "将昂贵的语法高亮推迟到代码块闭合之后，再在空闲时间里完成",
  "把数学公式的排版结果缓存起来，避免相同的表达式被反复计算",
];
const CLAUSES = [
  "从工程实践来看",
  "根据我们在生产环境中的观测",
  "值得注意的是",
  "换句话说",
  "在大多数场景下",
  "与直觉相反",
  "经过多轮压测之后我们发现",
  "如果把视角放到整个系统",
  "对于两核的小型服务器而言",
  "在弱网环境里",
];
const TAILS = [
  "这一点在长回复中尤为明显。",
  "这也是我们反复强调性能预算的原因。",
  "因此需要在架构层面提前规划。",
  "否则用户会明显感到卡顿。",
  "而这恰恰是最容易被忽视的部分。",
  "这样的权衡在实践中通常是值得的。",
  "具体的数据可以参考后文的表格。",
  "我们会在下一节给出更详细的分析。",
];
const INLINE_MATH = [
  "$E=mc^2$",
  "$O(n^2)$",
  "$O(n \\log n)$",
  "$\\alpha + \\beta = \\gamma$",
  "$p_{99} < 100\\,\\text{ms}$",
  "$\\sum_{i=1}^{n} t_i$",
  "$\\lambda = 1/\\mu$",
  "$x^2 + y^2 = r^2$",
  "$\\sqrt{2}$",
  "$T(n) = 2T(n/2) + n$",
];
const DISPLAY_MATH = [
  "\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}",
  "T_{\\text{total}} = \\sum_{k=1}^{N} \\left( t_{\\text{parse}}^{(k)} + t_{\\text{render}}^{(k)} \\right) \\approx \\frac{N^2}{2} \\cdot c",
  "\\mathbb{E}[W] = \\frac{\\lambda \\, \\mathbb{E}[S^2]}{2(1-\\rho)}, \\quad \\rho = \\lambda \\, \\mathbb{E}[S]",
  "\\begin{aligned} f(x) &= \\sum_{n=0}^{\\infty} \\frac{f^{(n)}(a)}{n!}(x-a)^n \\\\ &= f(a) + f'(a)(x-a) + \\cdots \\end{aligned}",
  "\\mathbf{A} = \\begin{pmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22} \\end{pmatrix}, \\quad \\det \\mathbf{A} = a_{11}a_{22} - a_{12}a_{21}",
];
const BOLD = ["重要提示：", "注意：", "结论：", "经验法则：", "小结："];

const CODE_BLOCKS: Array<{ lang: string; body: string }> = [
  {
    lang: "typescript",
    body: `// 增量渲染：只重新解析最后一个仍在变化的块
export function splitStable(text: string): { stable: string; tail: string } {
  const cut = text.lastIndexOf("\\n\\n");
  if (cut < 0) return { stable: "", tail: text };
  return { stable: text.slice(0, cut + 2), tail: text.slice(cut + 2) };
}

export class BlockCache {
  private readonly blocks = new Map<string, unknown>();
  get(source: string, render: (s: string) => unknown): unknown {
    let hit = this.blocks.get(source);
    if (hit === undefined) {
      hit = render(source);
      this.blocks.set(source, hit);
    }
    return hit;
  }
}`,
  },
  {
    lang: "python",
    body: `# 统计每个请求的首字节时间与总耗时
import statistics
from dataclasses import dataclass

@dataclass
class Sample:
    ttfb_ms: float
    total_ms: float

def summarize(samples: list[Sample]) -> dict[str, float]:
    ttfb = sorted(s.ttfb_ms for s in samples)
    total = sorted(s.total_ms for s in samples)
    return {
        "ttfb_p50": statistics.median(ttfb),
        "ttfb_p99": ttfb[int(len(ttfb) * 0.99) - 1],
        "total_mean": statistics.fmean(total),
    }`,
  },
  {
    lang: "rust",
    body: `// 令牌桶限流：每秒补充 rate 个令牌
use std::time::Instant;

pub struct TokenBucket {
    capacity: f64,
    tokens: f64,
    rate: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn try_take(&mut self, n: f64) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.last = now;
        if self.tokens >= n { self.tokens -= n; true } else { false }
    }
}`,
  },
  {
    lang: "go",
    body: `// 把上游的 SSE 事件逐条转发给浏览器
func relay(ctx context.Context, w http.ResponseWriter, events <-chan []byte) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return errors.New("streaming unsupported")
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, more := <-events:
			if !more {
				return nil
			}
			if _, err := w.Write(ev); err != nil {
				return err
			}
			flusher.Flush()
		}
	}
}`,
  },
  {
    lang: "sql",
    body: `-- 每个会话最近 20 条消息及其令牌用量
SELECT m.id, m.role, m.created_at, u.prompt_tokens, u.completion_tokens
FROM messages AS m
LEFT JOIN usage AS u ON u.message_id = m.id
WHERE m.conversation_id = $1
ORDER BY m.created_at DESC
LIMIT 20;`,
  },
  {
    lang: "bash",
    body: `# 在四倍降速下复现渲染基准
export BYTESPIKE_BASE_URL=http://127.0.0.1:4010/v1
npm run build
for i in 1 2 3; do
  npm run bench:render -- --quick | tee "run-$i.log"
done
grep -h "script" run-*.log | sort | uniq -c`,
  },
];

const TABLES: Array<{ head: string[]; rows: string[][] }> = [
  {
    head: ["渲染方案", "脚本时间", "长帧数量", "最长停顿", "说明"],
    rows: [
      ["整段重渲染", "约 124 秒", "925", "约 470 毫秒", "每次更新都重新解析全文"],
      ["分块记忆化", "约 18 秒", "21", "约 250 毫秒", "只重算最后一块"],
      ["增量解析", "目标 < 5 秒", "0", "< 100 毫秒", "冻结已稳定的块"],
      ["纯文本", "< 1 秒", "0", "< 50 毫秒", "没有任何格式"],
    ],
  },
  {
    head: ["指标", "含义", "采集方式", "目标"],
    rows: [
      ["`ScriptDuration`", "主线程脚本执行时间", "CDP `Performance.getMetrics`", "越低越好"],
      ["长动画帧", "阻塞超过 50 毫秒的帧", "`PerformanceObserver`", "**零**"],
      ["可见文本停顿", "字节到达但文本未更新的时长", "`MutationObserver`", "< 100 毫秒"],
      ["收尾时间", "最后一个字节到最终文本", "页面内探针", "< 50 毫秒"],
      ["保真度", "表格、代码、公式与加粗", "最终 DOM 检查", "全部通过"],
    ],
  },
  {
    head: ["语言", "代码块行数", "高亮方式", "是否延迟"],
    rows: [
      ["TypeScript", "19", "Shiki", "闭合后"],
      ["Python", "17", "Shiki", "闭合后"],
      ["Rust", "19", "Shiki", "闭合后"],
      ["Go", "20", "Shiki", "闭合后"],
      ["SQL", "7", "Shiki", "闭合后"],
      ["Bash", "7", "Shiki", "闭合后"],
    ],
  },
  {
    head: ["并发数", "平均首字节", "P99 首字节", "CPU 占用", "内存峰值"],
    rows: [
      ["10", "120 毫秒", "180 毫秒", "12%", "210 MB"],
      ["50", "135 毫秒", "240 毫秒", "38%", "260 MB"],
      ["100", "150 毫秒", "310 毫秒", "61%", "320 MB"],
      ["200", "190 毫秒", "520 毫秒", "93%", "410 MB"],
    ],
  },
];

const SECTION_TITLES = [
  "背景与目标",
  "整体架构",
  "流式协议的细节",
  "增量解析的原理",
  "渲染性能预算",
  "代码高亮的取舍",
  "数学公式的排版",
  "中文排版的特殊问题",
  "表格的流式呈现",
  "滚动与布局稳定性",
  "错误处理与重试",
  "测量方法",
  "基准结果",
  "上线经验",
  "常见误区",
  "后续计划",
];

const ENDING = "以上就是本次流式渲染实践的全部内容，感谢阅读。";

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function table(t: { head: string[]; rows: string[][] }): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(t.head), line(t.head.map(() => "---")), ...t.rows.map(line)].join("\n");
}

export interface CorpusOptions {
  /** Target size in the simulator's token estimate. */
  tokens: number;
  seed?: number;
}

/** Builds the reply: a fixed skeleton of constructs, with generated prose filling the token budget around them. */
export function buildCorpus({ tokens, seed = 20240607 }: CorpusOptions): Corpus {
  const rand = prng(seed);
  const sectionCount = Math.max(6, Math.min(SECTION_TITLES.length, Math.round(tokens / 1000)));
  const expect: CorpusExpectations = {
    tables: TABLES.length,
    codeBlocks: CODE_BLOCKS.length,
    codeFirstLines: CODE_BLOCKS.map((c) => c.body.split("\n")[0] ?? ""),
    inlineMath: 0,
    displayMath: 0,
    cjkBold: [],
    headings: 0,
    blockquotes: 0,
    lists: 0,
    ending: ENDING,
  };

  // Which section carries which fixed construct: spread evenly so every part of the stream has some.
  const at = (i: number, n: number) => Math.min(sectionCount - 1, Math.floor(((i + 0.5) * sectionCount) / n));
  const tablesIn = new Map<number, number[]>();
  const codeIn = new Map<number, number[]>();
  const displayIn = new Map<number, number[]>();
  TABLES.forEach((_, i) => tablesIn.set(at(i, TABLES.length), [...(tablesIn.get(at(i, TABLES.length)) ?? []), i]));
  CODE_BLOCKS.forEach((_, i) =>
    codeIn.set(at(i, CODE_BLOCKS.length), [...(codeIn.get(at(i, CODE_BLOCKS.length)) ?? []), i]),
  );
  DISPLAY_MATH.forEach((_, i) =>
    displayIn.set(at(i, DISPLAY_MATH.length), [...(displayIn.get(at(i, DISPLAY_MATH.length)) ?? []), i]),
  );

  let inlineIdx = 0;
  let boldIdx = 0;
  const sentence = (withMath: boolean, withBold: boolean): string => {
    let s = "";
    if (withBold) {
      const b = BOLD[boldIdx++ % BOLD.length] as string;
      expect.cjkBold.push(b);
      s += `**${b}**`;
    }
    s += `${pick(rand, CLAUSES)}，${pick(rand, SUBJECTS)}${pick(rand, VERBS)}${pick(rand, OBJECTS)}`;
    if (withMath) {
      const m = INLINE_MATH[inlineIdx++ % INLINE_MATH.length] as string;
      expect.inlineMath++;
      // Both styles occur in real replies: spaced and glued to the Chinese text.
      s += inlineIdx % 3 === 0 ? `，其代价约为${m}量级` : `，其代价约为 ${m} 量级`;
    }
    return `${s}，${pick(rand, TAILS)}`;
  };

  // Prose is generated paragraph by paragraph until the whole document reaches the budget.
  const paragraph = (sentences: number, mathEvery: number, boldFirst: boolean): string => {
    const out: string[] = [];
    for (let i = 0; i < sentences; i++) {
      out.push(sentence(mathEvery > 0 && i % mathEvery === mathEvery - 1, boldFirst && i === 0));
    }
    return out.join("");
  };

  const fixedBlocks = (s: number): string[] => {
    const blocks: string[] = [];
    for (const i of displayIn.get(s) ?? []) {
      expect.displayMath++;
      blocks.push(`由此可以得到下面的关系式：\n\n$$\n${DISPLAY_MATH[i]}\n$$`);
    }
    for (const i of tablesIn.get(s) ?? []) {
      const t = TABLES[i] as (typeof TABLES)[number];
      blocks.push(`下表汇总了本节讨论的关键数据：\n\n${table(t)}`);
    }
    for (const i of codeIn.get(s) ?? []) {
      const c = CODE_BLOCKS[i] as (typeof CODE_BLOCKS)[number];
      blocks.push(`下面是一段示例代码（${c.lang}）：\n\n\`\`\`${c.lang}\n${c.body}\n\`\`\``);
    }
    return blocks;
  };

  const list = (ordered: boolean): string => {
    expect.lists++;
    const items: string[] = [];
    const n = 3 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const marker = ordered ? `${i + 1}.` : "-";
      items.push(`${marker} ${pick(rand, SUBJECTS)}：${pick(rand, OBJECTS)}。`);
      if (i === 1) {
        expect.lists++;
        const pad = " ".repeat(marker.length + 1);
        items.push(`${pad}- ${pick(rand, CLAUSES)}，${pick(rand, OBJECTS)}。`);
        items.push(
          `${pad}- 使用 \`${pick(rand, ["useMemo", "requestIdleCallback", "startTransition", "memo"])}\` 可以缓解。`,
        );
      }
    }
    return items.join("\n");
  };

  const quote = (): string => {
    expect.blockquotes++;
    const b = BOLD[boldIdx++ % BOLD.length] as string;
    expect.cjkBold.push(b);
    return `> **${b}**${pick(rand, OBJECTS)}。\n>\n> ${pick(rand, CLAUSES)}，${pick(rand, SUBJECTS)}${pick(rand, VERBS)}${pick(rand, OBJECTS)}。`;
  };

  // Skeleton first (headings, fixed constructs, one list or quote per section), then prose to fill the budget.
  interface Section {
    title: string;
    fixed: string[];
    extra: string;
    paragraphs: string[];
  }
  expect.headings++;
  const title = "# 构建高性能流式对话界面：从协议到渲染的工程实践";
  const intro = paragraph(3, 1, true);
  const sections: Section[] = [];
  for (let s = 0; s < sectionCount; s++) {
    expect.headings++;
    sections.push({
      title: `## ${s + 1}. ${SECTION_TITLES[s]}`,
      fixed: fixedBlocks(s),
      extra: s % 3 === 0 ? list(false) : s % 3 === 1 ? quote() : list(true),
      paragraphs: [],
    });
  }
  const render = () =>
    [
      title,
      intro,
      ...sections.flatMap((sec) => [
        sec.title,
        ...sec.paragraphs.slice(0, 1),
        sec.extra,
        ...sec.fixed,
        ...sec.paragraphs.slice(1),
      ]),
      ENDING,
    ].join("\n\n");

  // Round-robin paragraphs into sections until the budget is met; a ### subsection every third paragraph.
  let s = 0;
  let cost = tokenCost(render());
  let guard = 0;
  while (cost < tokens && guard++ < 10_000) {
    const sec = sections[s % sectionCount] as Section;
    const count = sec.paragraphs.length;
    let p = paragraph(4 + Math.floor(rand() * 4), 3, count % 2 === 1);
    if (count > 0 && count % 3 === 0) {
      expect.headings++;
      p = `### ${sec.title.replace(/^## \d+\. /, "")}（${count / 3}）\n\n${p}`;
    }
    sec.paragraphs.push(p);
    cost += tokenCost(p) + 0.6;
    s++;
  }
  const text = render();
  return { text, tokens: Math.round(tokenCost(text)), chars: text.length, expect };
}
