import { z } from "zod";

const limit = z.int().min(0).max(1e12).nullable();

export const createUserSchema = z.object({
  email: z.email().max(200),
  // No control characters (a NUL cannot even be stored in PostgreSQL text).
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^\P{Cc}*$/u, "no control characters")
    .optional(),
  password: z.string().min(8).max(128),
  role: z.enum(["user", "admin"]).default("user"),
});
export type CreateUserRequest = z.infer<typeof createUserSchema>;

/** Any of: disable or enable the account, set its limits (null: the default, 0: unlimited). */
export const updateUserSchema = z.object({
  banned: z.boolean().optional(),
  tokensPerDay: limit.optional(),
  maxConcurrent: limit.optional(),
});
export type UpdateUserRequest = z.infer<typeof updateUserSchema>;

export const resetPasswordSchema = z.object({ password: z.string().min(8).max(128) });

export const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(92).default(14) });
