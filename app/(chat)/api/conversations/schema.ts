import { z } from "zod";

export const renameSchema = z.object({ title: z.string().trim().min(1).max(200) });
export type RenameRequest = z.infer<typeof renameSchema>;

export const listQuerySchema = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const searchQuerySchema = z.object({ q: z.string().trim().max(200).default("") });
