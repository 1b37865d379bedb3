//! The main loop without a terminal or MPI: driven by scripted events on
//! ratatui's TestBackend, with the ranks in-process through the same
//! per-rank code as under mpirun. It sees the App as the loop does,
//! through its methods.

mod event_loop;

mod status {
    use std::path::PathBuf;

    use crate::tui::ViewError;
    use crate::tui::record::RecordError;

    fn record_error() -> RecordError {
        RecordError {
            path: PathBuf::from("talk.cast"),
            source: std::io::Error::from_raw_os_error(libc::EPIPE),
        }
    }

    #[test]
    fn a_recording_cut_short_is_an_error_like_one_that_never_started() {
        let cut = ViewError::RecordingIncomplete(record_error());
        let refused = ViewError::Recording(record_error());
        assert_eq!(cut.status(), crate::exit::BAD_INPUT);
        assert_eq!(cut.status(), refused.status());
        assert!(
            cut.to_string()
                .starts_with("the recording is incomplete: --record talk.cast: Broken pipe"),
            "{cut}"
        );
    }
}
