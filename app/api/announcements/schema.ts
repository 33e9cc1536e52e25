import { z } from "zod";
import { announcementFormSchema } from "@/lib/announcements/form";

// Bodies of the announcement studio's routes.

export const generateRequestSchema = z.object({
  form: announcementFormSchema,
  /** An existing announcement: a new draft from its edited form, or (with revision) a revision. */
  announcementId: z.string().min(1).max(64).optional(),
  revision: z
    .object({
      versionId: z.string().min(1).max(64),
      instruction: z.string().trim().min(1).max(500),
    })
    .optional(),
});

export type GenerateRequest = z.infer<typeof generateRequestSchema>;
