export { audit, type AuditOptions } from './audit.ts';
export { AnalysisCache, defaultCacheFile } from './analysis-cache.ts';
export { analyzePackage, listPackageFiles } from './analyze-package.ts';
export { CAPABILITIES, INSTALL_SCRIPTS, RISKY, type Capability, type InstallScript } from './capabilities.ts';
export { RULES, checkPolicy } from './policy-rules.ts';
export { scanFile, type FileScan } from './scan-file.ts';
export { readInstalledTree, type InstalledTree } from './tree.ts';
export { RULE_IDS, type AuditReport, type AuditedPackage, type Evidence, type Finding, type InstalledPackage, type PackageAnalysis, type RuleId, type Severity, type TreeWarning } from './types.ts';
