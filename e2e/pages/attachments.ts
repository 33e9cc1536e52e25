import { expect, type Locator, type Page } from "@playwright/test";

export interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

// The composer's image attachments and the image viewer, as automation sees them (data-testid only).
export class Attachments {
  readonly button: Locator;
  readonly input: Locator;
  readonly items: Locator;
  readonly errors: Locator;
  readonly dropOverlay: Locator;
  readonly visionNotice: Locator;
  readonly sentImages: Locator;
  readonly lightbox: Locator;
  readonly droppedNote: Locator;

  constructor(readonly page: Page) {
    this.button = page.getByTestId("attach-button");
    this.input = page.getByTestId("attach-input");
    this.items = page.getByTestId("attachment");
    this.errors = page.getByTestId("attachment-error");
    this.dropOverlay = page.getByTestId("drop-overlay");
    this.visionNotice = page.getByTestId("vision-notice");
    this.sentImages = page.getByTestId("message-image");
    this.lightbox = page.getByTestId("lightbox");
    this.droppedNote = page.getByTestId("images-dropped");
  }

  /** Through the file input, as the picker would: in-memory files, or paths on disk (not both at once). */
  async pick(...files: FileSpec[] | string[]): Promise<void> {
    await this.input.setInputFiles(files);
  }

  /** Ctrl/Cmd+V of an image: a paste event whose clipboard holds the file. */
  async paste(file: FileSpec): Promise<void> {
    await this.page.getByTestId("chat-input").evaluate(
      (input, { name, mimeType, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], name, { type: mimeType }));
        input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      },
      { name: file.name, mimeType: file.mimeType, base64: file.buffer.toString("base64") },
    );
  }

  /** A file dragged over the conversation (the overlay shows), then dropped. */
  async drop(file: FileSpec, target: Locator = this.page.getByTestId("chat-scroller")): Promise<void> {
    const data = await this.page.evaluateHandle(
      ({ name, mimeType, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: mimeType }));
        return transfer;
      },
      { name: file.name, mimeType: file.mimeType, base64: file.buffer.toString("base64") },
    );
    await target.dispatchEvent("dragenter", { dataTransfer: data });
    await target.dispatchEvent("dragover", { dataTransfer: data });
    await expect(this.dropOverlay).toBeVisible();
    await target.dispatchEvent("drop", { dataTransfer: data });
    await expect(this.dropOverlay).toBeHidden();
    await data.dispose();
  }

  /** Waits until `count` images sit in the tray, all uploaded. */
  async expectReady(count: number): Promise<void> {
    await expect(this.items).toHaveCount(count);
    for (const item of await this.items.all()) await expect(item).toHaveAttribute("data-status", "ready");
  }
}
