import type { Announcement } from "./schema";

// A valid model reply, shared by unit tests and the e2e specs that script the simulator.
export const VALID_ANNOUNCEMENT: Announcement = {
  title: "关于OA系统停机维护的通知",
  summary: "11月28日22:00至次日02:00 OA 停机维护。",
  body: "各位同事：\n\n## 维护时间\n\n- 2026年11月28日 22:00 至 11月29日 02:00\n\n## 影响范围\n\n期间 **无法登录** OA。",
  signoff: { issuer: "信息技术部", date: "2026年11月27日" },
  variants: {
    wecom: "【停机通知】OA 将于…",
    dingtalk: "OA 停机",
    feishu: "OA 停机",
    emailSubject: "OA 系统停机维护通知",
  },
};
