import { go } from "./go.js";
import type { GuestLanguage } from "./guest-language.js";
import { rust } from "./rust.js";
import { typescript } from "./typescript.js";

/** Every guest language, in the order a folder is tried (the first that recognises it builds it). */
export const GUEST_LANGUAGES: readonly GuestLanguage[] = [typescript, rust, go];
