// Docker's default seccomp policy as data: which syscalls a container may make, and under which conditions
// (a capability held or not held, the architecture, a minimum kernel). Deny = EPERM unless a rule says otherwise.
// The lists follow moby's profiles/seccomp/default.json (checked against moby master, 2026-08); the rule shapes
// are ours and compiled to runc's format by seccomp.ts.

export interface SeccompRule {
  /** Space-separated syscall names. */
  syscalls: string;
  /** Action when the rule applies (default allow). */
  action?: 'errno';
  errno?: number;
  /** Conditions: all `caps` held, none of `notCaps` held, arch in `arches`, not in `notArches`, kernel ≥ minKernel. */
  caps?: string[];
  notCaps?: string[];
  arches?: string[];
  notArches?: string[];
  minKernel?: [number, number];
  /** Argument filters (runc's format: index, value, valueTwo, op). */
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

const EPERM = 1;
const ENOSYS = 38;

export const DEFAULT_ERRNO = EPERM;

export const DEFAULT_RULES: readonly SeccompRule[] = [
  {
    syscalls: `
      accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32
      clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
      clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create
      epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2
      execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir
      fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork
      fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex
      futex_requeue futex_time64 futex_wait futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64
      getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid
      getpgrp getpid getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit
      get_robust_list getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32
      getxattr getxattrat inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy
      io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit ipc kill
      landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat
      listen listmount listxattr listxattrat llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise
      map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2
      mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64
      mq_timedsend mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock munlockall
      munmap name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause pidfd_open
      pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv
      preadv2 prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead
      readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr
      removexattrat rename renameat renameat2 restart_syscall riscv_hwprobe rmdir rseq rt_sigaction rt_sigpending
      rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
      rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
      sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64
      sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget
      semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32
      setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32
      setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt
      set_thread_area set_tid_address setuid setuid32 setxattr setxattrat shmat shmctl shmdt shmget shutdown
      sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs
      statfs64 statmount statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create
      timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create
      timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64
      ugetrlimit umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes vfork vmsplice
      wait4 waitid waitpid write writev`,
  },
  {
    syscalls: 'process_vm_readv process_vm_writev ptrace',
    minKernel: [4, 8],
  },
  {
    syscalls: 'socket',
    args: [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }],
  },
  {
    syscalls: 'socket',
    args: [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'socket',
    args: [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }],
  },
  {
    syscalls: 'personality',
    args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'personality',
    args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'personality',
    args: [{ index: 0, value: 131072, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'personality',
    args: [{ index: 0, value: 131080, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'personality',
    args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' }],
  },
  {
    syscalls: 'sync_file_range2 swapcontext',
    arches: ['ppc64le'],
  },
  {
    syscalls: `
      arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls`,
    arches: ['arm',  'arm64'],
  },
  {
    syscalls: 'arch_prctl',
    arches: ['amd64',  'x32'],
  },
  {
    syscalls: 'modify_ldt',
    arches: ['amd64',  'x32',  'x86'],
  },
  {
    syscalls: 's390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr',
    arches: ['s390',  's390x'],
  },
  {
    syscalls: 'riscv_flush_icache',
    arches: ['riscv64'],
  },
  {
    syscalls: 'open_by_handle_at',
    caps: ['CAP_DAC_READ_SEARCH'],
  },
  {
    syscalls: `
      bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie lsm_get_self_attr
      lsm_list_modules lsm_set_self_attr mount mount_setattr move_mount open_tree perf_event_open quotactl
      quotactl_fd setdomainname sethostname setns syslog umount umount2 unshare`,
    caps: ['CAP_SYS_ADMIN'],
  },
  {
    syscalls: 'clone',
    notCaps: ['CAP_SYS_ADMIN'],
    notArches: ['s390',  's390x'],
    args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
  },
  {
    syscalls: 'clone',
    notCaps: ['CAP_SYS_ADMIN'],
    arches: ['s390',  's390x'],
    args: [{ index: 1, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
  },
  {
    syscalls: 'clone3',
    action: 'errno', errno: ENOSYS,
    notCaps: ['CAP_SYS_ADMIN'],
  },
  {
    syscalls: 'reboot',
    caps: ['CAP_SYS_BOOT'],
  },
  {
    syscalls: 'chroot',
    caps: ['CAP_SYS_CHROOT'],
  },
  {
    syscalls: 'delete_module init_module finit_module',
    caps: ['CAP_SYS_MODULE'],
  },
  {
    syscalls: 'acct',
    caps: ['CAP_SYS_PACCT'],
  },
  {
    syscalls: 'kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace',
    caps: ['CAP_SYS_PTRACE'],
  },
  {
    syscalls: 'iopl ioperm',
    caps: ['CAP_SYS_RAWIO'],
  },
  {
    syscalls: 'settimeofday stime clock_settime clock_settime64',
    caps: ['CAP_SYS_TIME'],
  },
  {
    syscalls: 'vhangup',
    caps: ['CAP_SYS_TTY_CONFIG'],
  },
  {
    syscalls: 'get_mempolicy mbind set_mempolicy set_mempolicy_home_node',
    caps: ['CAP_SYS_NICE'],
  },
  {
    syscalls: 'syslog',
    caps: ['CAP_SYSLOG'],
  },
  {
    syscalls: 'bpf',
    caps: ['CAP_BPF'],
  },
  {
    syscalls: 'perf_event_open',
    caps: ['CAP_PERFMON'],
  },
];

/** Every syscall name this policy or a custom profile may name (x86-64, x86, x32, generic, and the profile's own). */
export const KNOWN_SYSCALLS: ReadonlySet<string> = new Set(`
  _llseek _newselect _sysctl accept accept4 access acct add_key adjtimex afs_syscall alarm arch_prctl
  arm_fadvise64_64 arm_sync_file_range bdflush bind bpf break breakpoint brk cacheflush cachestat capget
  capset chdir chmod chown chown32 chroot clock_adjtime clock_adjtime64 clock_getres clock_getres_time64
  clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 clock_settime clock_settime64 clone
  clone3 close close_range connect copy_file_range creat create_module delete_module dup dup2 dup3
  epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old
  eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate
  fanotify_init fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64
  fdatasync fgetxattr finit_module flistxattr flock fork fremovexattr fsconfig fsetxattr fsmount fsopen fspick
  fstat fstat64 fstatat fstatat64 fstatfs fstatfs64 fsync ftime ftruncate ftruncate64 futex futex_requeue
  futex_time64 futex_wait futex_waitv futex_wake futimesat get_kernel_syms get_mempolicy get_robust_list
  get_thread_area getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32
  getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getpmsg getppid getpriority getrandom
  getresgid getresgid32 getresuid getresuid32 getrlimit getrusage getsid getsockname getsockopt gettid
  gettimeofday getuid getuid32 getxattr getxattrat gtty idle init_module inotify_add_watch inotify_init
  inotify_init1 inotify_rm_watch io_cancel io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_setup
  io_submit io_uring_enter io_uring_register io_uring_setup ioctl ioperm iopl ioprio_get ioprio_set ipc kcmp
  kexec_file_load kexec_load keyctl kill landlock_add_rule landlock_create_ruleset landlock_restrict_self
  lchown lchown32 lgetxattr link linkat listen listmount listxattr listxattrat llistxattr llseek lock
  lookup_dcookie lremovexattr lseek lsetxattr lsm_get_self_attr lsm_list_modules lsm_set_self_attr lstat
  lstat64 madvise map_shadow_stack mbind membarrier memfd_create memfd_secret migrate_pages mincore mkdir
  mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 modify_ldt mount mount_setattr move_mount move_pages
  mprotect mpx mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
  mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
  name_to_handle_at nanosleep newfstatat nfsservctl nice oldfstat oldlstat oldolduname oldstat olduname open
  open_by_handle_at open_tree openat openat2 pause perf_event_open personality pidfd_getfd pidfd_open
  pidfd_send_signal pipe pipe2 pivot_root pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl
  pread64 preadv preadv2 prlimit64 process_madvise process_mrelease process_vm_readv process_vm_writev prof
  profil pselect6 pselect6_time64 ptrace putpmsg pwrite64 pwritev pwritev2 query_module quotactl quotactl_fd
  read readahead readdir readlink readlinkat readv reboot recv recvfrom recvmmsg recvmmsg_time64 recvmsg
  remap_file_pages removexattr removexattrat rename renameat renameat2 request_key restart_syscall
  riscv_flush_icache riscv_hwprobe rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo
  rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo s390_pci_mmio_read
  s390_pci_mmio_write s390_runtime_instr sched_get_priority_max sched_get_priority_min sched_getaffinity
  sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64
  sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp security select semctl
  semget semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto set_mempolicy
  set_mempolicy_home_node set_robust_list set_thread_area set_tid_address set_tls setdomainname setfsgid
  setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 sethostname setitimer setns setpgid
  setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit
  setsid setsockopt settimeofday setuid setuid32 setxattr setxattrat sgetmask shmat shmctl shmdt shmget
  shutdown sigaction sigaltstack signal signalfd signalfd4 sigpending sigprocmask sigreturn sigsuspend socket
  socketcall socketpair splice ssetmask stat stat64 statfs statfs64 statmount statx stime stty swapcontext
  swapoff swapon symlink symlinkat sync sync_file_range sync_file_range2 syncfs sysfs sysinfo syslog tee
  tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
  timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times
  tkill truncate truncate64 tuxcall ugetrlimit ulimit umask umount umount2 uname unlink unlinkat unshare
  uretprobe uselib userfaultfd ustat utime utimensat utimensat_time64 utimes vfork vhangup vm86 vm86old
  vmsplice vserver wait4 waitid waitpid write writev
`.trim().split(/\s+/));

/** Node's process.arch → Go's GOARCH (the profile's arch names) and the libseccomp architectures to load. */
export const ARCHES: Record<string, { goArch: string; scmp: string[] }> = {
  x64: { goArch: 'amd64', scmp: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  arm64: { goArch: 'arm64', scmp: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] },
  arm: { goArch: 'arm', scmp: ['SCMP_ARCH_ARM'] },
  ia32: { goArch: '386', scmp: ['SCMP_ARCH_X86'] },
  ppc64: { goArch: 'ppc64le', scmp: ['SCMP_ARCH_PPC64LE'] },
  s390x: { goArch: 's390x', scmp: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'] },
  riscv64: { goArch: 'riscv64', scmp: ['SCMP_ARCH_RISCV64'] },
};
