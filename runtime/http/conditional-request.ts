// Conditional requests on a representation nylon serves itself (static files), as RFC 9110 section 13
// orders them: If-Match, else If-Unmodified-Since (412 when false); then If-None-Match, else
// If-Modified-Since (304 for GET and HEAD); then If-Range decides whether a Range applies.
//
// Written here because no maintained library evaluates all of section 13: `fresh` answers only the
// 304 question (it is used for that), and `send`, which has the rest, keeps it private and compares
// If-Range dates with ">=" where section 13.1.5 asks for an exact match.
import type { IncomingHttpHeaders } from "node:http";
import fresh from "fresh";

/** The representation's validators, as sent in ETag and Last-Modified. */
export interface Validators {
  etag: string;
  "last-modified": string;
}

export type PreconditionOutcome = "proceed" | "not-modified" | "failed";

/** Section 13.2.2, steps 1 to 4, for a GET or HEAD of an existing representation. */
export function evaluatePreconditions(headers: IncomingHttpHeaders, validators: Validators): PreconditionOutcome {
  const ifMatch = joined(headers["if-match"]);
  if (ifMatch !== undefined) {
    if (!ifMatchHolds(ifMatch, validators.etag)) return "failed";
  } else {
    const since = parseHttpDate(joined(headers["if-unmodified-since"]));
    if (since !== null && Date.parse(validators["last-modified"]) > since) return "failed";
  }
  return fresh(headers, { ...validators }) ? "not-modified" : "proceed";
}

/**
 * If-Range (section 13.1.5): whether the Range of this request still applies. An entity tag must
 * match strongly (a weak one never does); a date must equal Last-Modified exactly, and only while
 * Last-Modified is a strong validator (section 8.8.2.2: at least one second before `now`). A request
 * without If-Range always applies its Range.
 */
export function ifRangeHolds(headers: IncomingHttpHeaders, validators: Validators, now = Date.now()): boolean {
  const value = joined(headers["if-range"])?.trim();
  if (value === undefined) return true;
  if (value.startsWith('"') || value.startsWith("W/")) {
    const tag = parseEntityTag(value);
    return tag !== null && strongMatch(tag, validators.etag);
  }
  const date = parseHttpDate(value);
  const lastModified = Date.parse(validators["last-modified"]);
  return date !== null && date === lastModified && now - lastModified >= 1000;
}

/** If-Match: "*" or a list of entity tags, compared strongly (section 13.1.1). */
function ifMatchHolds(value: string, current: string): boolean {
  if (value.trim() === "*") return true;
  const tags = parseEntityTagList(value);
  return tags !== null && tags.some((tag) => strongMatch(tag, current));
}

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** Strong comparison (section 8.8.3.2): neither tag weak, same opaque value. */
function strongMatch(tag: EntityTag, current: string): boolean {
  const mine = parseEntityTag(current);
  return mine !== null && !tag.weak && !mine.weak && tag.opaque === mine.opaque;
}

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

function parseEntityTag(text: string): EntityTag | null {
  const match = ENTITY_TAG.exec(text.trim());
  return match ? { weak: match[1] !== undefined, opaque: match[2]! } : null;
}

/** A comma-separated list of entity tags (empty elements allowed, as for every list); null if malformed. */
function parseEntityTagList(text: string): EntityTag[] | null {
  const tags: EntityTag[] = [];
  for (const element of text.split(",")) {
    if (element.trim() === "") continue;
    const tag = parseEntityTag(element);
    if (tag === null) return null;
    tags.push(tag);
  }
  return tags;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * An HTTP-date (section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient
 * must accept) in milliseconds, or null when the value is not one. `Date.parse` is not used: it
 * accepts far more, and reads asctime (which has no zone) as local time.
 */
export function parseHttpDate(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = text.trim();
  let parts: [string, string, number, string, string, string] | null = null;
  let match = IMF_FIXDATE.exec(value);
  if (match) parts = [match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!];
  else if ((match = RFC850_DATE.exec(value))) {
    // Section 5.6.7: a two-digit year more than 50 years in the future is in the past century.
    const twoDigits = Number(match[3]);
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + twoDigits;
    if (year > thisYear + 50) year -= 100;
    parts = [match[1]!, match[2]!, year, match[4]!, match[5]!, match[6]!];
  } else if ((match = ASCTIME_DATE.exec(value))) parts = [match[2]!.trim(), match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!];
  if (parts === null) return null;
  const [day, monthName, year, hour, minute, second] = parts;
  const month = MONTHS.indexOf(monthName);
  if (month === -1) return null;
  const ms = Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second));
  // Date.UTC rolls "31 Feb" over into March: such a date is not a date.
  return new Date(ms).getUTCDate() === Number(day) && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 61 ? ms : null;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
