/**
 * Query parameters that only tell a marketer where a click came from. They
 * make one story look like many URLs, so the canonical form drops them.
 */

/** Exact parameter names (lowercase). */
const TRACKING_NAMES = new Set([
  "fbclid",
  "gclid",
  "gclsrc",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "ttclid",
  "li_fat_id",
  "epik",
  "mc_cid",
  "mc_eid",
  "_hsenc",
  "_hsmi",
  "__hstc",
  "__hssc",
  "__hsfp",
  "hsctatracking",
  "mkt_tok",
  "igshid",
  "oly_enc_id",
  "oly_anon_id",
  "vero_id",
  "vero_conv",
  "_branch_match_id",
  "_branch_referrer",
  "ref_src",
  "ref_url",
  "s_cid",
  "s_kwcid",
  "ef_id",
  "srsltid",
  "_ga",
  "_gl",
  "_kx",
  "_openstat",
  "rb_clickid",
  "irclickid",
]);

/** Whole families: `utm_source`, `mtm_campaign`, `pk_kwd`, `hsa_acc`… */
const TRACKING_PREFIXES = ["utm_", "mtm_", "pk_", "hsa_", "matomo_"];

/** True when a query parameter name (as written) is a click tracker. */
export function isTrackingParam(name: string): boolean {
  const key = name.toLowerCase();
  if (TRACKING_NAMES.has(key)) return true;
  for (const prefix of TRACKING_PREFIXES) {
    if (key.startsWith(prefix)) return true;
  }
  return false;
}
