// CMPI: hand-written declarations of the few MPI entry points the Distributed module uses.
// Nothing here is linked: MPICommunicator opens Open MPI's libmpi with dlopen at run time, so
// the package builds and runs on machines without MPI.
//
// The handle types follow Open MPI's ABI, where a communicator, datatype or reduction is a
// pointer to a predefined object exported by libmpi (`ompi_mpi_comm_world`, `ompi_mpi_float`,
// `ompi_mpi_op_sum`, ...): the address dlsym returns for that object *is* the handle. MPICH
// and its derivatives use integer handles instead and are not supported by these declarations.
#ifndef CMPI_H
#define CMPI_H

typedef void *CMPI_Handle;  // MPI_Comm, MPI_Datatype or MPI_Op in Open MPI

enum {
  CMPI_SUCCESS = 0,
  CMPI_THREAD_FUNNELED = 1,
  CMPI_MAX_ERROR_STRING = 256,
};

typedef int (*PFN_MPI_Initialized)(int *flag);
typedef int (*PFN_MPI_Finalized)(int *flag);
typedef int (*PFN_MPI_Init_thread)(int *argc, char ***argv, int required, int *provided);
typedef int (*PFN_MPI_Finalize)(void);
typedef int (*PFN_MPI_Abort)(CMPI_Handle comm, int code);
typedef int (*PFN_MPI_Comm_rank)(CMPI_Handle comm, int *rank);
typedef int (*PFN_MPI_Comm_size)(CMPI_Handle comm, int *size);
typedef int (*PFN_MPI_Error_string)(int code, char *message, int *length);
typedef int (*PFN_MPI_Barrier)(CMPI_Handle comm);
typedef int (*PFN_MPI_Bcast)(void *buffer, int count, CMPI_Handle datatype, int root,
                             CMPI_Handle comm);
typedef int (*PFN_MPI_Allreduce)(const void *send, void *receive, int count,
                                 CMPI_Handle datatype, CMPI_Handle op, CMPI_Handle comm);
typedef int (*PFN_MPI_Allgather)(const void *send, int sendCount, CMPI_Handle sendType,
                                 void *receive, int receiveCount, CMPI_Handle receiveType,
                                 CMPI_Handle comm);
typedef int (*PFN_MPI_Allgatherv)(const void *send, int sendCount, CMPI_Handle sendType,
                                  void *receive, const int *receiveCounts,
                                  const int *displacements, CMPI_Handle receiveType,
                                  CMPI_Handle comm);
typedef int (*PFN_MPI_Alltoallv)(const void *send, const int *sendCounts,
                                 const int *sendDisplacements, CMPI_Handle sendType,
                                 void *receive, const int *receiveCounts,
                                 const int *receiveDisplacements, CMPI_Handle receiveType,
                                 CMPI_Handle comm);

#endif
