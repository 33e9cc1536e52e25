"use client";

import { useTranslations } from "next-intl";
import type { ClipboardEvent, KeyboardEvent, Ref } from "react";
import { useDeferredValue, useEffect, useId, useImperativeHandle, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ArrowUpIcon, StopIcon } from "@/components/ui/icons";
import { Textarea } from "@/components/ui/textarea";
import { contextLevel, estimateTokens } from "@/lib/chat/token-estimate";
import { AttachButton } from "./attachments/attach-button";
import { AttachmentTray } from "./attachments/attachment-tray";
import { filesFromClipboard } from "./attachments/clipboard-files";
import { messageImages } from "./attachments/message-images";
import { imagePreparer } from "./attachments/preparer";
import { useAttachments } from "./attachments/use-attachments";
import { visionModelFor } from "./attachments/vision-model";
import { VisionNotice } from "./attachments/vision-notice";
import { useChatSelector, useChatState } from "./chat-context";
import { lastQuestionKey, useDraft, useUnsentQuestion } from "./use-draft";
import { createCompositionTracker, shouldSend, shouldStop, shouldSwallow } from "./composer-keys";
import { ContextLimitNotice } from "./context-limit-notice";
import { LiveContextMeter } from "./context-meter";
import { ThinkingToggle } from "./thinking-toggle";
import { useAutosize } from "./use-autosize";
import { useModels } from "./use-models";

/** Lets the shell put text in the box (example prompts) and images in the tray (a drop on the chat), and tell the
 * composer of a Stop, while the draft and its attachments stay local to the composer. */
export interface ComposerHandle {
  fill: (text: string) => void;
  focus: () => void;
  attach: (files: File[]) => void;
  /** The reader pressed Stop (any of its ways: the shell's stop calls this): the question just sent comes back here,
   * text and images, if it had not gone out yet (useUnsentQuestion). */
  stopping: () => void;
}

export function Composer({ ref }: { ref?: Ref<ComposerHandle> }) {
  const t = useTranslations("composer");
  const tContext = useTranslations("context");
  const hintId = useId();
  const tImages = useTranslations("attachments");
  // Named fields only: a streaming reply changes the messages many times a second, and the composer need not follow.
  const { chatId, send, stop, isBusy, status, model, modelInfo, setModel, imagesOmitted, omitImages } = useChatState(
    "chatId",
    "send",
    "stop",
    "isBusy",
    "status",
    "model",
    "modelInfo",
    "setModel",
    "imagesOmitted",
    "omitImages",
  );
  const contextWindow = useChatSelector((state) => state.context.contextWindow);
  const { data: catalog } = useModels();
  const attachments = useAttachments(catalog?.images);
  const visionModel = visionModelFor(catalog);
  const canAttach = modelInfo?.vision === true;
  const attachBlocked =
    modelInfo && !canAttach
      ? visionModel
        ? tImages("noVision", { model: modelInfo.id, visionModel })
        : tImages("noVisionModel", { model: modelInfo.id })
      : undefined;
  const attach = (files: File[]) => attachments.add(files, { allowed: canAttach });
  const conversationHasImages = useChatSelector(({ messages }) =>
    messages.some((m) => m.role === "user" && messageImages(m.parts).length > 0),
  );
  // A model without vision and images in the conversation or the tray: ask before anything is sent.
  const askVision =
    modelInfo !== undefined &&
    !canAttach &&
    !imagesOmitted &&
    (conversationHasImages || attachments.state.items.length > 0);
  // Kept per conversation across reloads (localStorage).
  const [draft, setDraft] = useDraft(chatId);
  const [composition] = useState(createCompositionTracker);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  useAutosize(textareaRef, draft);
  // The question just sent, until the server takes it up: Stop before it went out, or a reload after it could not
  // go out, puts it back here, text and images.
  const lastKey = useChatSelector((state) => lastQuestionKey(state.messages));
  const unsent = useUnsentQuestion(chatId, { status, lastQuestionKey: lastKey }, (question) => {
    setDraft(question.text);
    attachments.restore(question.files);
  });

  useImperativeHandle(
    ref,
    () => ({
      fill: (text) => {
        setDraft(text);
        textareaRef.current?.focus();
      },
      focus: () => textareaRef.current?.focus(),
      attach,
      stopping: unsent.stopping,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- attach reads the latest render's model
    [canAttach, attachments.add, unsent.stopping],
  );

  // The worker starts while the page is idle, not when the first photo arrives.
  useEffect(() => {
    if (canAttach) imagePreparer().warm();
  }, [canAttach]);

  // A long paste is counted once typing pauses, not on every keystroke.
  const deferredDraft = useDeferredValue(draft);
  const draftTokens = useMemo(() => estimateTokens(deferredDraft), [deferredDraft]);
  // The level (ok, warning, full) changes rarely; the meter itself follows the count on its own.
  const level = useChatSelector((state) => contextLevel(state.context.used + draftTokens, contextWindow));
  const hasContent = draft.trim() !== "" || attachments.parts.length > 0;
  // Images still preparing or uploading hold the message back.
  const canSend = hasContent && !attachments.busy && !askVision && !isBusy && model !== undefined && level !== "full";

  const submit = () => {
    if (!canSend) return;
    const text = draft.trim();
    const files = attachments.parts;
    if (send(text, files)) {
      unsent.hold({ text, files });
      setDraft("");
      attachments.clear();
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = filesFromClipboard(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (shouldSend(event, composition.active)) {
      // While a reply streams, Enter neither sends nor adds a newline: the draft waits for the next turn.
      event.preventDefault();
      submit();
    } else if (shouldSwallow(event, composition.active)) {
      event.preventDefault();
    } else if (isBusy && shouldStop(event, composition.active)) {
      event.preventDefault();
      // Stop before the question went out gives it back (the shell tells useUnsentQuestion), text and images.
      stop();
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {level === "full" && <ContextLimitNotice draftTokens={draftTokens} />}
      {askVision && (
        <VisionNotice
          model={modelInfo.id}
          visionModel={visionModel}
          onSwitchBack={() => visionModel && setModel(visionModel)}
          onSendWithout={() => {
            attachments.clear();
            omitImages();
            textareaRef.current?.focus();
          }}
        />
      )}
      <div className="flex flex-col gap-1 rounded-2xl border border-border bg-surface p-2 shadow-sm transition-shadow focus-within:border-ring focus-within:ring-3 focus-within:ring-ring/20">
        <AttachmentTray attachments={attachments} model={modelInfo?.id} visionModel={visionModel} />
        <Textarea
          ref={textareaRef}
          data-testid="chat-input"
          aria-label={t("label")}
          aria-describedby={hintId}
          rows={1}
          value={draft}
          placeholder={t("placeholder")}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onCompositionStart={() => composition.start()}
          onCompositionEnd={() => composition.end()}
          enterKeyHint="send"
          className="max-h-52 min-h-10 overflow-y-auto px-2 py-2"
        />
        <div className="flex items-center gap-2">
          <AttachButton onFiles={attach} disabledReason={attachBlocked} />
          <ThinkingToggle />
          <div className="ml-auto">
            {/* Keyed: the same <button> must not turn from Stop into a submit button while its click is being
                handled (a stop that ends the busy state at once would then submit the form). */}
            {isBusy ? (
              <Button
                key="stop"
                data-testid="stop-button"
                variant="secondary"
                size="icon"
                aria-label={t("stop")}
                title={t("stop")}
                onClick={stop}
              >
                <StopIcon />
              </Button>
            ) : (
              <Button
                key="send"
                type="submit"
                data-testid="send-button"
                size="icon"
                aria-label={t("send")}
                title={t("send")}
                disabled={!canSend}
              >
                <ArrowUpIcon />
              </Button>
            )}
          </div>
        </div>
      </div>
      <div className="mt-2 flex items-center justify-between gap-3 px-1">
        <p id={hintId} className="message-text min-w-0 text-xs text-muted-foreground">
          {level === "warning" ? (
            <span data-testid="context-warning" className="text-warning-foreground">
              {tContext("warning")}
            </span>
          ) : (
            <span className="hidden sm:inline">{t("hint")}</span>
          )}
        </p>
        {contextWindow !== undefined && (
          <LiveContextMeter draftTokens={draftTokens} contextWindow={contextWindow} level={level} />
        )}
      </div>
    </form>
  );
}
