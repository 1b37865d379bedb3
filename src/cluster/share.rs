//! Input that rank 0 reads and every rank needs: under `mpirun --hostfile`
//! a file named on the command line may exist on rank 0's machine only.

use mpi::traits::*;

use super::Cluster;
use super::faults::{Wait, waiting};

impl Cluster {
    /// Every rank gets the root's `bytes` (other ranks pass None). A root
    /// that could not read its input passes Err, and every rank gets Err
    /// back so that all stop together; only the root keeps the message.
    pub fn share_bytes<E>(&self, bytes: Option<Result<Vec<u8>, E>>) -> Result<Vec<u8>, Option<E>> {
        let _waiting = waiting(Wait::RootFiles);
        let root = self.world.process_at_rank(0);
        let (mut len, mut data, mut error) = (0u64, Vec::new(), None);
        if self.is_root() {
            match bytes.expect("the root passes its input") {
                Ok(bytes) => {
                    len = bytes.len() as u64 + 1;
                    data = bytes;
                }
                Err(e) => error = Some(e),
            }
        }
        // 0 stands for "the root failed"; otherwise the length plus one.
        root.broadcast_into(&mut len);
        if len == 0 {
            return Err(error);
        }
        data.resize((len - 1) as usize, 0);
        // Open MPI refuses a zero-length broadcast (MPI_ERR_ARG).
        if !data.is_empty() {
            root.broadcast_into(&mut data[..]);
        }
        Ok(data)
    }
}
