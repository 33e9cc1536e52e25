// The channels staff paste announcements into, and how much text each takes. Shared by the
// count_characters tool and the announcement studio's per-channel counters.

export const CHANNELS = ["wecom", "dingtalk", "feishu", "email", "website"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelLimit {
  /** The limit, or null when the channel has none worth counting against. */
  limit: number | null;
  /** WeCom counts its text messages in UTF-8 bytes (a Chinese character is 3); the others in characters. */
  unit: "bytes" | "chars";
  zh: string;
  en: string;
}

export const CHANNEL_LIMITS: Record<Channel, ChannelLimit> = {
  // 企业微信 text messages (application and group robot) are cut at 2048 bytes.
  wecom: { limit: 2048, unit: "bytes", zh: "企业微信", en: "WeCom" },
  // 钉钉 work notifications: about 5000 characters before they are truncated.
  dingtalk: { limit: 5000, unit: "chars", zh: "钉钉", en: "DingTalk" },
  // 飞书 text messages: kept readable in one screen-full of chat; the hard limit is far higher.
  feishu: { limit: 4000, unit: "chars", zh: "飞书", en: "Feishu" },
  // An email subject longer than this is cut off in most inboxes.
  email: { limit: 60, unit: "chars", zh: "邮件主题", en: "Email subject" },
  website: { limit: null, unit: "chars", zh: "官网", en: "Website" },
};

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value);
}

/** Channel names as staff type them (企业微信, DingTalk, …) → the channel id. */
export function resolveChannel(name: string): Channel | undefined {
  const key = name.trim().toLowerCase().replace(/\s+/g, "");
  if (isChannel(key)) return key;
  const aliases: Record<string, Channel> = {
    企业微信: "wecom",
    企微: "wecom",
    wechatwork: "wecom",
    钉钉: "dingtalk",
    飞书: "feishu",
    lark: "feishu",
    邮件: "email",
    邮件主题: "email",
    mail: "email",
    官网: "website",
    网站: "website",
    web: "website",
  };
  return aliases[key];
}
