/**
 * JSON text read without losing digits: an integer above 2^53 (a 64-bit id sent as a number)
 * becomes text holding all its digits, where JSON.parse would round it to a different number.
 */

/** A whole string (consumed whole, so digits inside strings are left alone), or a long integer between JSON delimiters. */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<=[:,[]\s*)(-?\d{16,})(?=\s*[,}\]])/g;

export function parseJsonKeepingDigits(text: string): unknown {
	if (!/\d{16}/.test(text)) return JSON.parse(text);
	return JSON.parse(text.replace(STRING_OR_LONG_INTEGER, (match, integer?: string) => (integer && !Number.isSafeInteger(Number(integer)) ? `"${integer}"` : match)));
}
