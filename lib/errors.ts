// One place for every failure the app reports: a stable code, an HTTP status, and the text
// a person reads in zh-CN and English. Server and browser both import it (no secrets here).

export type Locale = "zh-CN" | "en";

type Params = Record<string, string | number>;

interface ErrorSpec {
  status: number;
  /** Whether trying the same request again later can succeed (the UI offers Retry). */
  retryable: boolean;
  "zh-CN": string;
  en: string;
}

const SPECS = {
  // Request validation (our own API)
  invalid_body: {
    status: 400,
    retryable: false,
    "zh-CN": "请求格式不正确：{detail}",
    en: "The request is malformed: {detail}",
  },
  uri_too_long: {
    status: 414,
    retryable: false,
    "zh-CN": "请求地址过长（上限 {limit}），请缩短链接或搜索内容。",
    en: "The request address is too long (limit {limit}). Shorten the link or the search.",
  },
  body_too_large: {
    status: 413,
    retryable: false,
    "zh-CN": "请求内容过大（上限 {limit}），请缩短消息或减少附件。",
    en: "The request is too large (limit {limit}). Shorten the message or remove attachments.",
  },
  unknown_model: {
    status: 400,
    retryable: false,
    "zh-CN": "未知的模型“{model}”，请从模型列表中选择。",
    en: 'Unknown model "{model}". Pick one from the model list.',
  },
  max_tokens_too_high: {
    status: 400,
    retryable: false,
    "zh-CN": "最大输出长度 {requested} 超过了模型 {model} 的上限 {max}。",
    en: "Max output {requested} exceeds the limit of {max} for {model}.",
  },
  empty_message: {
    status: 400,
    retryable: false,
    "zh-CN": "消息不能为空。",
    en: "The message is empty.",
  },
  message_too_long: {
    status: 400,
    retryable: false,
    "zh-CN": "消息过长（{length} 字，上限 {limit} 字），请分段发送。",
    en: "The message is too long ({length} characters, limit {limit}). Split it up.",
  },
  too_many_messages: {
    status: 400,
    retryable: false,
    "zh-CN": "对话消息过多（上限 {limit} 条），请新建对话。",
    en: "This conversation has too many messages (limit {limit}). Start a new chat.",
  },
  not_found: {
    status: 404,
    retryable: false,
    "zh-CN": "找不到该内容，它可能已结束或已被删除。",
    en: "Not found. It may have finished or been deleted.",
  },
  forbidden_origin: {
    status: 403,
    retryable: false,
    "zh-CN": "请求来源不被允许。",
    en: "Request origin not allowed.",
  },
  // Images (upload and vision)
  image_unrecognized: {
    status: 415,
    retryable: false,
    "zh-CN": "无法识别这个文件的格式。请上传 JPEG、PNG、WebP 或 GIF 图片。",
    en: "This file's format is not recognised. Upload a JPEG, PNG, WebP or GIF image.",
  },
  image_unsupported_type: {
    status: 415,
    retryable: false,
    "zh-CN": "不支持 {type} 格式。请先转换为 JPEG 或 PNG（例如截图或另存为），再上传。",
    en: "{type} files are not supported. Convert it to JPEG or PNG first (take a screenshot or save it as one), then upload.",
  },
  image_corrupt: {
    status: 422,
    retryable: false,
    "zh-CN": "图片已损坏或不完整，无法读取。请重新导出或重新截图后再上传。",
    en: "The image is damaged or incomplete and cannot be read. Export or capture it again, then upload.",
  },
  image_too_large: {
    status: 413,
    retryable: false,
    "zh-CN": "图片过大（{size}，上限 {limit}）。请缩小后再上传。",
    en: "The image is too large ({size}; the limit is {limit}). Make it smaller, then upload.",
  },
  image_dimensions_too_large: {
    status: 413,
    retryable: false,
    "zh-CN": "图片尺寸 {width}×{height} 像素超出上限（{max}×{max} 像素）。请缩小后再上传。",
    en: "The image is {width}×{height} px; the limit is {max}×{max} px. Make it smaller, then upload.",
  },
  images_busy: {
    status: 429,
    retryable: true,
    "zh-CN": "服务器正在处理较多图片，请稍等几秒再上传。",
    en: "The server is busy with other images. Wait a few seconds, then upload again.",
  },
  image_missing: {
    status: 400,
    retryable: false,
    "zh-CN": "消息中的图片不存在或已被删除，请重新添加图片。",
    en: "An image in the message no longer exists. Attach it again.",
  },
  too_many_images: {
    status: 400,
    retryable: false,
    "zh-CN": "一条消息最多附带 {limit} 张图片。",
    en: "A message can carry at most {limit} images.",
  },
  images_over_budget: {
    status: 413,
    retryable: false,
    "zh-CN": "这条消息的图片合计过大（上限 {limit}），请减少图片后再发送。",
    en: "The images in this message are too large together (limit {limit}). Remove some, then send.",
  },
  model_no_vision: {
    status: 400,
    retryable: false,
    "zh-CN": "模型 {model} 不支持图片。请切换到支持图片理解的模型（如 {visionModel}），或去掉图片后再发送。",
    en: "{model} does not accept images. Switch to a model with vision (such as {visionModel}), or send without the images.",
  },
  // Accounts and quotas
  email_taken: {
    status: 409,
    retryable: false,
    "zh-CN": "该邮箱已有账号，请换一个邮箱，或在列表中找到该账号。",
    en: "An account with this email already exists. Use another email, or find that account in the list.",
  },
  unauthorized: {
    status: 401,
    retryable: false,
    "zh-CN": "请先登录。登录已过期时请重新登录。",
    en: "Please sign in. If your session expired, sign in again.",
  },
  forbidden: {
    status: 403,
    retryable: false,
    "zh-CN": "你没有权限执行此操作。",
    en: "You are not allowed to do this.",
  },
  quota_tokens_exceeded: {
    status: 429,
    retryable: false,
    "zh-CN":
      "今日额度已用完（已用 {used} / 上限 {limit} tokens），将于 {resetAt}（北京时间）重置。如需更多额度请联系管理员。",
    en: "Today's allowance is used up ({used} of {limit} tokens). It resets at {resetAt} (Beijing time). Ask the administrator for more.",
  },
  quota_concurrency_exceeded: {
    status: 429,
    retryable: true,
    "zh-CN": "你同时进行的回答已达上限（{limit} 个），请等当前回答结束或停止后再试。",
    en: "You already have {limit} replies in progress. Wait for one to finish or stop it, then try again.",
  },
  // The gateway's answers
  invalid_api_key: {
    status: 502,
    retryable: false,
    "zh-CN": "服务的网关密钥无效或已失效，请联系管理员更新 BYTESPIKE_API_KEY。",
    en: "The service's gateway key is invalid or revoked. Ask the administrator to update BYTESPIKE_API_KEY.",
  },
  insufficient_balance: {
    status: 402,
    retryable: false,
    "zh-CN": "网关账户余额已用完，请联系管理员充值后再试。",
    en: "The gateway account balance is used up. Ask the administrator to top it up, then try again.",
  },
  quota_exceeded: {
    status: 402,
    retryable: false,
    "zh-CN": "该密钥的额度已用完，请联系管理员提高额度后再试。",
    en: "This key's spending cap is reached. Ask the administrator to raise it, then try again.",
  },
  permission_denied: {
    status: 403,
    retryable: false,
    "zh-CN": "网关拒绝了来自本服务器的访问（IP 未授权），请联系管理员。",
    en: "The gateway refused this server (IP not allowed). Contact the administrator.",
  },
  model_not_in_group: {
    status: 403,
    retryable: false,
    "zh-CN": "当前密钥无权使用模型 {model}，请换一个模型或联系管理员开通。",
    en: "This key may not use {model}. Pick another model or ask the administrator for access.",
  },
  model_not_found: {
    status: 400,
    retryable: false,
    "zh-CN": "网关上不存在模型 {model}，请换一个模型。",
    en: "The gateway has no model {model}. Pick another model.",
  },
  context_length_exceeded: {
    status: 400,
    retryable: false,
    "zh-CN": "对话内容超出了模型的上下文长度，请新建对话或删去较早的消息。",
    en: "The conversation is longer than the model's context window. Start a new chat or remove older messages.",
  },
  payload_too_large: {
    status: 413,
    retryable: false,
    "zh-CN": "发送给模型的内容过大，请减少附件或缩短消息。",
    en: "What was sent to the model is too large. Remove attachments or shorten the message.",
  },
  invalid_request: {
    status: 400,
    retryable: false,
    "zh-CN": "网关拒绝了这个请求：{detail}",
    en: "The gateway rejected the request: {detail}",
  },
  rate_limited: {
    status: 429,
    retryable: true,
    "zh-CN": "请求过于频繁，已达到消费速率上限，请在 {resetAt} 之后再试。",
    en: "Rate limit reached. Try again after {resetAt}.",
  },
  concurrency_limited: {
    status: 429,
    retryable: true,
    "zh-CN": "同时进行的请求太多，请稍候几秒再试。",
    en: "Too many requests at once. Wait a few seconds and try again.",
  },
  content_filtered: {
    status: 400,
    retryable: false,
    "zh-CN": "内容安全审核拦截了本次回答（输入或生成内容可能包含敏感信息）。请修改问题后重试。",
    en: "The content-safety filter stopped this answer (the input or output may contain sensitive content). Rephrase and try again.",
  },
  upstream_unavailable: {
    status: 503,
    retryable: true,
    "zh-CN": "模型服务暂时不可用（已尝试 {attempts} 次），请稍后再试。",
    en: "The model service is unavailable (tried {attempts} times). Try again in a moment.",
  },
  stream_interrupted: {
    status: 502,
    retryable: true,
    "zh-CN": "回答在生成途中中断，已保留收到的部分内容。可以点击重试重新生成。",
    en: "The answer was interrupted mid-way; the part received is kept. Retry to generate it again.",
  },
  gateway_timeout: {
    status: 504,
    retryable: true,
    "zh-CN": "模型网关 {seconds} 秒内没有响应，已停止等待。请稍后点击重试。",
    en: "The model gateway did not answer within {seconds} seconds; stopped waiting. Retry in a moment.",
  },
  network_error: {
    status: 502,
    retryable: true,
    "zh-CN": "无法连接模型网关，请检查服务器网络后再试。",
    en: "Cannot reach the model gateway. Check the server's network and try again.",
  },
  upstream_error: {
    status: 502,
    retryable: true,
    "zh-CN": "模型网关返回了意外的错误（{detail}），请稍后再试。",
    en: "The model gateway returned an unexpected error ({detail}). Try again later.",
  },
  // The browser's own connection to this server broke (or something in between answered instead).
  connection_lost: {
    status: 502,
    retryable: true,
    "zh-CN": "与服务器的连接中断，已显示收到的部分。请检查网络后刷新页面查看已保存的回答，或点击重试。",
    en: "The connection to the server was lost; what arrived is shown. Check your network and reload the page to see the saved reply, or retry.",
  },
  internal: {
    status: 500,
    retryable: true,
    "zh-CN": "服务器内部错误，请稍后再试。",
    en: "Internal server error. Try again later.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type AppErrorCode = keyof typeof SPECS;

/** What travels to the browser: in a JSON body `{ error: … }` or as a stream's errorText. */
export interface AppErrorPayload {
  code: AppErrorCode;
  message: Record<Locale, string>;
  params?: Params;
  retryable: boolean;
}

function interpolate(template: string, params: Params | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    params && key in params ? String(params[key]) : whole,
  );
}

export function isAppErrorCode(code: unknown): code is AppErrorCode {
  return typeof code === "string" && Object.hasOwn(SPECS, code);
}

export function errorText(code: AppErrorCode, locale: Locale, params?: Params): string {
  return interpolate(SPECS[code][locale], params);
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly params: Params | undefined;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: AppErrorCode, params?: Params, options?: { cause?: unknown }) {
    super(interpolate(SPECS[code].en, params), options);
    this.name = "AppError";
    this.code = code;
    this.params = params;
    this.status = SPECS[code].status;
    this.retryable = SPECS[code].retryable;
  }

  toPayload(): AppErrorPayload {
    return {
      code: this.code,
      message: { "zh-CN": errorText(this.code, "zh-CN", this.params), en: errorText(this.code, "en", this.params) },
      ...(this.params ? { params: this.params } : {}),
      retryable: this.retryable,
    };
  }

  toResponse(headers?: HeadersInit): Response {
    return Response.json({ error: this.toPayload() }, { status: this.status, headers });
  }
}

export function toAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError("internal", undefined, { cause: err });
}

/**
 * Reads an error as the browser receives it — a JSON body `{error: payload}`, a bare payload
 * (stream errorText), or anything else — back into a payload it can show. This server always
 * answers with a payload, so anything else ("network error", "Failed to fetch", a proxy's HTML
 * page) means the connection to it broke: connection_lost, never blamed on the model gateway.
 */
export function parseErrorPayload(raw: string): AppErrorPayload {
  try {
    const value: unknown = JSON.parse(raw);
    const candidate =
      value && typeof value === "object" && "error" in value ? (value as { error: unknown }).error : value;
    if (candidate && typeof candidate === "object" && "code" in candidate) {
      const { code, params } = candidate as { code: unknown; params?: Params };
      if (isAppErrorCode(code)) return new AppError(code, params).toPayload();
    }
  } catch {
    // not JSON: fall through
  }
  return new AppError("connection_lost").toPayload();
}
