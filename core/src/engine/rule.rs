//! Outer-totalistic Life-like rules (`B3/S23` and friends).

use std::fmt;
use std::str::FromStr;

/// A Life-like rule: bit `k` of `birth` (of `survival`) is set when a dead
/// (live) cell with `k` live neighbours is alive in the next generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    pub birth: u16,
    pub survival: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("empty rule")]
    Empty,
    #[error("rule '{0}': neighbour count '{1}' is not a digit from 0 to 8")]
    BadDigit(String, char),
    #[error("rule '{0}' is not of the form B3/S23, S23/B3, B3S23, 23/3 or a known name")]
    Malformed(String),
}

/// Well-known rules by name, as Golly and LifeWiki spell them.
pub const NAMED_RULES: &[(&str, &str)] = &[
    ("Life", "B3/S23"),
    ("HighLife", "B36/S23"),
    ("DayAndNight", "B3678/S34678"),
    ("Seeds", "B2/S"),
    ("LifeWithoutDeath", "B3/S012345678"),
    ("Maze", "B3/S12345"),
    ("Replicator", "B1357/S1357"),
    ("2x2", "B36/S125"),
];

impl Rule {
    /// Conway's Life, B3/S23.
    pub const LIFE: Rule = Rule {
        birth: 1 << 3,
        survival: (1 << 2) | (1 << 3),
    };

    /// HighLife, B36/S23 (the replicator's rule), which the kernels also
    /// know by name.
    pub const HIGHLIFE: Rule = Rule {
        birth: (1 << 3) | (1 << 6),
        survival: (1 << 2) | (1 << 3),
    };

    pub fn born(&self, neighbours: u32) -> bool {
        self.birth >> neighbours & 1 == 1
    }

    pub fn survives(&self, neighbours: u32) -> bool {
        self.survival >> neighbours & 1 == 1
    }

    /// The next state of one cell; the definition the fast kernels are tested against.
    pub fn next_state(&self, alive: bool, neighbours: u32) -> bool {
        if alive {
            self.survives(neighbours)
        } else {
            self.born(neighbours)
        }
    }

    /// Parses any of `B3/S23`, `S23/B3`, `B3S23`, `b3s23`, `23/3` (survival
    /// first), a named rule, and Golly's bounded-grid suffix is *not* accepted
    /// here (see [`split_bounded_suffix`]).
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RuleError::Empty);
        }
        if let Some((_, canonical)) = NAMED_RULES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
        {
            return Rule::parse(canonical);
        }
        let lower = text.to_ascii_lowercase();
        let malformed = || RuleError::Malformed(text.to_string());
        if lower.contains('b') || lower.contains('s') {
            let mut birth = None;
            let mut survival = None;
            // Split into letter-led parts: "b3/s23", "s23/b3", "b3s23".
            let mut current: Option<char> = None;
            let mut digits = String::new();
            let mut flush = |letter: Option<char>, digits: &mut String| -> Result<(), RuleError> {
                let Some(letter) = letter else {
                    return if digits.is_empty() {
                        Ok(())
                    } else {
                        Err(malformed())
                    };
                };
                let mask = digit_mask(text, digits)?;
                let slot = if letter == 'b' {
                    &mut birth
                } else {
                    &mut survival
                };
                if slot.replace(mask).is_some() {
                    return Err(malformed());
                }
                digits.clear();
                Ok(())
            };
            for (i, ch) in lower.chars().enumerate() {
                match ch {
                    'b' | 's' => {
                        flush(current, &mut digits)?;
                        current = Some(ch);
                    }
                    '/' => {
                        if current.is_none() || i == 0 {
                            return Err(malformed());
                        }
                        flush(current, &mut digits)?;
                        current = None;
                    }
                    c => {
                        if current.is_none() {
                            return Err(malformed());
                        }
                        digits.push(c)
                    }
                }
            }
            flush(current, &mut digits)?;
            return match (birth, survival) {
                (Some(birth), Some(survival)) => Ok(Rule { birth, survival }),
                _ => Err(malformed()),
            };
        }
        // Survival-first numeric form "23/3".
        let (s, b) = lower.split_once('/').ok_or_else(malformed)?;
        Ok(Rule {
            birth: digit_mask(text, b)?,
            survival: digit_mask(text, s)?,
        })
    }

    /// The name of this rule when it has one ("Life" for B3/S23).
    pub fn name(&self) -> Option<&'static str> {
        NAMED_RULES
            .iter()
            .find(|(_, r)| Rule::parse(r).as_ref() == Ok(self))
            .map(|(name, _)| *name)
    }
}

fn digit_mask(rule: &str, digits: &str) -> Result<u16, RuleError> {
    let mut mask = 0u16;
    for ch in digits.chars() {
        match ch.to_digit(10) {
            Some(d) if d <= 8 => mask |= 1 << d,
            _ => return Err(RuleError::BadDigit(rule.to_string(), ch)),
        }
    }
    Ok(mask)
}

/// Splits Golly's bounded-grid suffix off a rule string: `B3/S23:T100,80`
/// gives `("B3/S23", Some(":T100,80" without the colon))`.
pub fn split_bounded_suffix(text: &str) -> (&str, Option<&str>) {
    match text.split_once(':') {
        Some((rule, suffix)) => (rule, Some(suffix)),
        None => (text, None),
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("B")?;
        for k in 0..=8 {
            if self.born(k) {
                write!(f, "{k}")?;
            }
        }
        f.write_str("/S")?;
        for k in 0..=8 {
            if self.survives(k) {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Rule {
    type Err = RuleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::parse(s)
    }
}

impl Default for Rule {
    fn default() -> Self {
        Rule::LIFE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_notations_of_life_agree() {
        for text in [
            "B3/S23", "S23/B3", "B3S23", "b3s23", "23/3", "life", "LIFE", " B3/S23 ",
        ] {
            assert_eq!(Rule::parse(text), Ok(Rule::LIFE), "{text}");
        }
    }

    #[test]
    fn canonical_form_and_names() {
        assert_eq!(Rule::parse("S23/B36").unwrap().to_string(), "B36/S23");
        assert_eq!(Rule::parse("highlife").unwrap().to_string(), "B36/S23");
        assert_eq!(Rule::parse("Seeds").unwrap().to_string(), "B2/S");
        assert_eq!(Rule::parse("B2/S").unwrap().to_string(), "B2/S");
        assert_eq!(Rule::parse("/3").unwrap().to_string(), "B3/S");
        assert_eq!(Rule::parse("B0/S8").unwrap().to_string(), "B0/S8");
        assert_eq!(Rule::parse("2x2").unwrap().to_string(), "B36/S125");
        assert_eq!(Rule::parse("B36/S23").unwrap().name(), Some("HighLife"));
        for (name, canonical) in NAMED_RULES {
            assert_eq!(Rule::parse(name).unwrap().to_string(), *canonical);
        }
    }

    #[test]
    fn malformed_rules_are_rejected() {
        for text in [
            "", "B9/S23", "B3/S2x", "hello", "B3", "3", "B3/B3", "B3//S23", "/B3S23",
        ] {
            assert!(Rule::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn bounded_suffix_is_split() {
        assert_eq!(
            split_bounded_suffix("B3/S23:T100,80"),
            ("B3/S23", Some("T100,80"))
        );
        assert_eq!(split_bounded_suffix("B3/S23"), ("B3/S23", None));
    }
}
