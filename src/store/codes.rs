//! How typed values become stable codes in text columns and come back. Each enum's serde name
//! is its one code (`accepted`, `held`, `reply_with_question`): written by [`code`], read by
//! [`decode`], which refuses a code it does not know instead of guessing what it meant.

use anyhow::anyhow;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::de::IntoDeserializer;
use serde::de::value::Error as ValueError;

/// The code of a serde unit variant (`application`, `stamped`, `missing_field`), for text
/// columns; None for a value that is not a unit variant.
pub(crate) fn code<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The code of a value that is always a unit variant (the store's states, the verdict).
pub(super) fn code_of<T: Serialize>(value: T) -> String {
    code(&value).unwrap_or_default()
}

/// The value stored as `value` in `table.column`; an unknown code is an error naming all three.
pub(crate) fn decode<T: DeserializeOwned>(
    table: &str,
    column: &str,
    value: &str,
) -> anyhow::Result<T> {
    T::deserialize(IntoDeserializer::<ValueError>::into_deserializer(value)).map_err(|_| {
        anyhow!(
            "{table}.{column} holds {value:?}, which is no known {}",
            std::any::type_name::<T>()
        )
    })
}

/// [`decode`] for a column that may be NULL.
pub(crate) fn decode_opt<T: DeserializeOwned>(
    table: &str,
    column: &str,
    value: Option<&str>,
) -> anyhow::Result<Option<T>> {
    value.map(|v| decode(table, column, v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Verdict;

    #[test]
    fn codes_round_trip_and_an_unknown_code_names_where_it_was_found() {
        let c = code(&Verdict::Rejected);
        assert_eq!(c.as_deref(), Some("rejected"));
        let back: Verdict = decode("verdicts", "verdict", "rejected").unwrap();
        assert_eq!(back, Verdict::Rejected);
        let e = decode::<Verdict>("verdicts", "verdict", "需补正").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("verdicts.verdict") && text.contains("需补正"),
            "{text}"
        );
    }
}
