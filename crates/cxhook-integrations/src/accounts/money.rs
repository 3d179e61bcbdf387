//! Exact money: [`Money`] (integer minor units and a [`Currency`]) and its formatting for a
//! language.
//!
//! Amounts are never floats. Formatting follows CLDR's conventions for the languages it
//! knows, matched on the language subtag (`de-AT` formats as `de`), except English, which
//! also looks at the region:
//!
//! | language | USD 1,250.75 | EUR 1,250.75 | GBP 1,250.75 | other (JPY 12,500) |
//! |---|---|---|---|---|
//! | `en`, `en-US` | `$1,250.75` | `€1,250.75` | `£1,250.75` | `JPY 12,500` |
//! | `en-GB` | `US$1,250.75` | `€1,250.75` | `£1,250.75` | `JPY 12,500` |
//! | `de` | `1.250,75 $` | `1.250,75 €` | `1.250,75 £` | `12.500 JPY` |
//! | `fr` | `1 250,75 $US` | `1 250,75 €` | `1 250,75 £GB` | `12 500 JPY` |
//! | `es` | `1250,75 US$` | `1250,75 €` | `1250,75 GBP` | `12.500 JPY` |
//! | anything else | `USD 1,250.75` | `EUR 1,250.75` | `GBP 1,250.75` | `JPY 12,500` |
//!
//! - `fr` groups thousands with a narrow no-break space (U+202F).
//! - `es` groups thousands only from five integer digits on (CLDR's minimum grouping of 2):
//!   `1250,75 €` but `12.500,75 €`.
//! - Where the symbol follows the number (`de`, `fr`, `es`) a no-break space (U+00A0)
//!   separates them, so the amount never breaks across lines.
//! - Other English regions (`en-AU`, `en-CA`, …) take the fallback: their `$` is not the
//!   US dollar, so the ISO code is the safe choice.
//! - Minus signs come first: `-$4.50`, `-4,50 €`.
//! - The number of minor digits is the currency's: 0 for JPY and KRW, 3 for BHD, JOD,
//!   KWD, OMR and TND, 2 for every other code.

use std::fmt;

/// An ISO 4217 currency code: three ASCII capital letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

/// A currency code that is not three ASCII letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 4217 currency code (three letters, such as USD)")]
pub struct InvalidCurrency(String);

impl Currency {
    /// The US dollar.
    pub const USD: Self = Self(*b"USD");
    /// The euro.
    pub const EUR: Self = Self(*b"EUR");
    /// The pound sterling.
    pub const GBP: Self = Self(*b"GBP");

    /// Reads a code, in any case (`usd` is `USD`).
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        match code.as_bytes() {
            [a, b, c] if code.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(InvalidCurrency(code.to_owned())),
        }
    }

    /// The code, such as `USD`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many minor-unit digits the currency has (2 for cents).
    pub fn minor_digits(self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" => 0,
            b"BHD" | b"JOD" | b"KWD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount of money: integer minor units (cents) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount in the currency's minor units (`125075` is 1,250.75 for USD).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// `minor` minor units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// The amount as people of `language` (a BCP 47 tag such as `en-US`) write it; see the
    /// [module docs](self) for the rules.
    pub fn format(&self, language: &str) -> String {
        format(*self, language, false)
    }

    /// Like [`Money::format`], with a `+` before amounts above zero (for transactions).
    pub fn format_signed(&self, language: &str) -> String {
        format(*self, language, true)
    }
}

/// How a language writes amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    EnUs,
    EnGb,
    De,
    Fr,
    Es,
    /// en-US numbers with the ISO code in front.
    Fallback,
}

impl Style {
    fn of(language: &str) -> Self {
        let language = language.trim().to_ascii_lowercase();
        let mut parts = language.split(['-', '_']);
        let primary = parts.next().unwrap_or_default();
        let region = parts.next();
        match (primary, region) {
            ("en", None | Some("us")) => Self::EnUs,
            ("en", Some("gb")) => Self::EnGb,
            ("de", _) => Self::De,
            ("fr", _) => Self::Fr,
            ("es", _) => Self::Es,
            _ => Self::Fallback,
        }
    }

    /// The decimal mark, the group separator, and the fewest integer digits that get
    /// grouped.
    fn separators(self) -> (char, &'static str, usize) {
        match self {
            Self::EnUs | Self::EnGb | Self::Fallback => ('.', ",", 4),
            Self::De => (',', ".", 4),
            Self::Fr => (',', "\u{202f}", 4),
            Self::Es => (',', ".", 5),
        }
    }

    /// The symbol for `currency`, and whether it goes before the number.
    fn symbol(self, currency: &Currency) -> (&'static str, bool) {
        let code = currency.as_str();
        match (self, code) {
            (Self::EnUs, "USD") => ("$", true),
            (Self::EnGb, "USD") => ("US$", true),
            (Self::EnUs | Self::EnGb, "EUR") => ("€", true),
            (Self::EnUs | Self::EnGb, "GBP") => ("£", true),
            (Self::De, "USD") => ("$", false),
            (Self::Fr, "USD") => ("$US", false),
            (Self::Es, "USD") => ("US$", false),
            (Self::De | Self::Fr | Self::Es, "EUR") => ("€", false),
            (Self::De, "GBP") => ("£", false),
            (Self::Fr, "GBP") => ("£GB", false),
            (Self::De | Self::Fr | Self::Es, _) => ("", false),
            _ => ("", true),
        }
    }
}

fn format(money: Money, language: &str, signed: bool) -> String {
    let style = Style::of(language);
    let (decimal_mark, group, min_grouping) = style.separators();
    let digits = money.currency.minor_digits();
    let scale = 10u64.pow(digits);
    let magnitude = money.minor.unsigned_abs();
    let (units, fraction) = (magnitude / scale, magnitude % scale);

    let mut number = group_digits(&units.to_string(), group, min_grouping);
    if digits > 0 {
        number.push(decimal_mark);
        number.push_str(&format!("{fraction:0width$}", width = digits as usize));
    }
    let sign = if money.minor < 0 {
        "-"
    } else if signed && money.minor > 0 {
        "+"
    } else {
        ""
    };
    let (symbol, before) = style.symbol(&money.currency);
    let code = money.currency.as_str();
    match (symbol, before) {
        ("", true) => format!("{sign}{code} {number}"),
        ("", false) => format!("{sign}{number}\u{a0}{code}"),
        (symbol, true) => format!("{sign}{symbol}{number}"),
        (symbol, false) => format!("{sign}{number}\u{a0}{symbol}"),
    }
}

/// `digits` with `group` between each three from the right, when there are at least
/// `min_grouping` of them.
fn group_digits(digits: &str, group: &str, min_grouping: usize) -> String {
    if digits.len() < min_grouping {
        return digits.to_owned();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * group.len());
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap())
    }

    fn f(minor: i64, code: &str, language: &str) -> String {
        money(minor, code).format(language)
    }

    #[test]
    fn en_us() {
        assert_eq!(f(125_075, "USD", "en-US"), "$1,250.75");
        assert_eq!(f(125_075, "USD", "en"), "$1,250.75");
        assert_eq!(f(125_075, "EUR", "en-us"), "€1,250.75");
        assert_eq!(f(125_075, "GBP", "en_US"), "£1,250.75");
        assert_eq!(f(12_500, "JPY", "en-US"), "JPY 12,500");
        assert_eq!(f(5, "USD", "en-US"), "$0.05");
        assert_eq!(f(0, "USD", "en-US"), "$0.00");
        assert_eq!(f(-450, "USD", "en-US"), "-$4.50");
        assert_eq!(f(12_345_678_900, "USD", "en-US"), "$123,456,789.00");
    }

    #[test]
    fn en_gb() {
        assert_eq!(f(125_075, "GBP", "en-GB"), "£1,250.75");
        assert_eq!(f(125_075, "EUR", "en-GB"), "€1,250.75");
        assert_eq!(f(125_075, "USD", "en-GB"), "US$1,250.75");
    }

    #[test]
    fn de() {
        assert_eq!(f(125_075, "EUR", "de"), "1.250,75\u{a0}€");
        assert_eq!(f(125_075, "EUR", "de-AT"), "1.250,75\u{a0}€");
        assert_eq!(f(125_075, "USD", "de-DE"), "1.250,75\u{a0}$");
        assert_eq!(f(-450, "EUR", "de"), "-4,50\u{a0}€");
        assert_eq!(f(12_500, "JPY", "de"), "12.500\u{a0}JPY");
    }

    #[test]
    fn fr() {
        assert_eq!(f(125_075, "EUR", "fr"), "1\u{202f}250,75\u{a0}€");
        assert_eq!(f(125_075, "EUR", "fr-FR"), "1\u{202f}250,75\u{a0}€");
        assert_eq!(f(125_075, "USD", "fr"), "1\u{202f}250,75\u{a0}$US");
        assert_eq!(f(125_075, "GBP", "fr"), "1\u{202f}250,75\u{a0}£GB");
        assert_eq!(f(99, "EUR", "fr"), "0,99\u{a0}€");
    }

    #[test]
    fn es_groups_from_five_digits() {
        assert_eq!(f(125_075, "EUR", "es"), "1250,75\u{a0}€");
        assert_eq!(f(1_250_075, "EUR", "es-ES"), "12.500,75\u{a0}€");
        assert_eq!(f(125_075, "USD", "es"), "1250,75\u{a0}US$");
        assert_eq!(f(125_075, "GBP", "es"), "1250,75\u{a0}GBP");
    }

    #[test]
    fn unknown_languages_get_the_iso_code() {
        assert_eq!(f(125_075, "USD", "ja"), "USD 1,250.75");
        assert_eq!(f(125_075, "USD", "en-AU"), "USD 1,250.75");
        assert_eq!(f(125_075, "EUR", ""), "EUR 1,250.75");
        assert_eq!(f(-125_075, "GBP", "pt-BR"), "-GBP 1,250.75");
    }

    #[test]
    fn minor_digits_follow_the_currency() {
        assert_eq!(f(1_234_567, "KWD", "en-US"), "KWD 1,234.567");
        assert_eq!(f(1_234, "JPY", "en-US"), "JPY 1,234");
        assert_eq!(f(1_234, "JPY", "fr"), "1\u{202f}234\u{a0}JPY");
    }

    #[test]
    fn signed_amounts_show_a_plus() {
        assert_eq!(money(320_000, "USD").format_signed("en-US"), "+$3,200.00");
        assert_eq!(money(-450, "USD").format_signed("en-US"), "-$4.50");
        assert_eq!(money(0, "USD").format_signed("en-US"), "$0.00");
        assert_eq!(money(-450, "EUR").format_signed("de"), "-4,50\u{a0}€");
    }

    #[test]
    fn extremes_do_not_overflow() {
        assert_eq!(f(i64::MIN, "USD", "en-US"), "-$92,233,720,368,547,758.08");
        assert_eq!(f(i64::MAX, "USD", "en-US"), "$92,233,720,368,547,758.07");
    }

    #[test]
    fn currency_codes_are_checked() {
        assert_eq!(Currency::parse("usd").unwrap(), Currency::USD);
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("U$D").is_err());
        assert!(Currency::parse("ÉUR").is_err());
    }
}
