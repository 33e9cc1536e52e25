// The kinds of announcement the studio writes, and the short form each one needs. Field labels
// live in messages/*.json (announcements.fields.*); zh names here are what the model reads.

export const KINDS = [
  "product_launch",
  "maintenance",
  "event",
  "holiday",
  "personnel",
  "policy",
  "apology",
  "recruitment",
] as const;
export type AnnouncementKind = (typeof KINDS)[number];

export type FieldType = "text" | "textarea" | "date" | "datetime";

export interface FieldSpec {
  id: string;
  type: FieldType;
  required: boolean;
  max: number;
  /** What the model reads as this field's name. */
  zh: string;
}

const field = (id: string, type: FieldType, zh: string, required = true, max = type === "textarea" ? 2000 : 200) => ({
  id,
  type,
  required,
  max,
  zh,
});

/** A pair of fields whose end must not come before its start. */
export interface RangeRule {
  start: string;
  end: string;
}

export interface KindSpec {
  /** The document's name in Chinese, as the model and the default title read it. */
  zh: string;
  fields: FieldSpec[];
  ranges: RangeRule[];
}

export const KIND_SPECS: Record<AnnouncementKind, KindSpec> = {
  product_launch: {
    zh: "产品发布公告",
    fields: [
      field("productName", "text", "产品名称"),
      field("releaseDate", "date", "发布日期"),
      field("highlights", "textarea", "主要亮点（每行一条）"),
      field("audience", "text", "面向对象", false),
      field("link", "text", "了解更多/体验入口", false),
    ],
    ranges: [],
  },
  maintenance: {
    zh: "系统维护/停机通知",
    fields: [
      field("startAt", "datetime", "维护开始时间"),
      field("endAt", "datetime", "维护结束时间"),
      field("systems", "text", "受影响的系统"),
      field("impact", "textarea", "影响范围"),
      field("contact", "text", "联系人/联系方式"),
    ],
    ranges: [{ start: "startAt", end: "endAt" }],
  },
  event: {
    zh: "活动通知",
    fields: [
      field("eventName", "text", "活动名称"),
      field("startAt", "datetime", "开始时间"),
      field("endAt", "datetime", "结束时间", false),
      field("location", "text", "地点（线上写会议链接）"),
      field("details", "textarea", "活动内容/议程", false),
      field("signup", "text", "报名方式", false),
    ],
    ranges: [{ start: "startAt", end: "endAt" }],
  },
  holiday: {
    zh: "放假通知",
    fields: [
      field("holidayName", "text", "节假日名称"),
      field("startDate", "date", "放假开始日期"),
      field("endDate", "date", "放假结束日期"),
      field("makeupDays", "text", "调休上班日期", false),
      field("notes", "textarea", "其他安排（值班、安全提醒等）", false),
    ],
    ranges: [{ start: "startDate", end: "endDate" }],
  },
  personnel: {
    zh: "人事任免通知",
    fields: [
      field("appointments", "textarea", "任免事项（每行一条，如：张三 任 产品部总监）"),
      field("effectiveDate", "date", "生效日期"),
      field("basis", "text", "决定依据（如：经总经理办公会研究决定）", false),
    ],
    ranges: [],
  },
  policy: {
    zh: "制度发布",
    fields: [
      field("policyName", "text", "制度名称"),
      field("effectiveDate", "date", "施行日期"),
      field("scope", "text", "适用范围"),
      field("keyPoints", "textarea", "主要内容（每行一条）"),
    ],
    ranges: [],
  },
  apology: {
    zh: "致歉说明",
    fields: [
      field("incident", "textarea", "事件经过"),
      field("impact", "textarea", "造成的影响"),
      field("cause", "textarea", "原因", false),
      field("remedy", "textarea", "补救与改进措施"),
      field("contact", "text", "联系方式", false),
    ],
    ranges: [],
  },
  recruitment: {
    zh: "招聘启事",
    fields: [
      field("position", "text", "招聘岗位"),
      field("headcount", "text", "招聘人数", false),
      field("responsibilities", "textarea", "岗位职责（每行一条）"),
      field("requirements", "textarea", "任职要求（每行一条）"),
      field("howToApply", "text", "应聘方式"),
      field("deadline", "date", "截止日期", false),
    ],
    ranges: [],
  },
};

export const CHANNEL_OPTIONS = ["wecom", "dingtalk", "feishu", "email", "website"] as const;
export const TONES = ["formal", "warm", "concise"] as const;
export const LENGTHS = ["short", "medium", "long"] as const;
export const LANGUAGES = ["zh-CN", "en"] as const;

export const TONE_ZH: Record<(typeof TONES)[number], string> = { formal: "正式", warm: "亲切", concise: "简洁" };
export const LENGTH_ZH: Record<(typeof LENGTHS)[number], string> = {
  short: "简短（正文约 150 字以内）",
  medium: "适中（正文约 300–500 字）",
  long: "详细（正文约 600–1000 字）",
};

export function isKind(value: unknown): value is AnnouncementKind {
  return typeof value === "string" && (KINDS as readonly string[]).includes(value);
}
