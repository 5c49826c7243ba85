export { runDsb, type DsbOptions } from './dsb';
export { runCrb, type CrbOptions } from './crb';
export { runPsb, type PsbOptions } from './psb';
export { Report, formatHuman, formatJunit, type CheckResult, type Outcome } from './report';
