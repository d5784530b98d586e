import { GetAuthorizationToken } from './auth.js';
import type { EcrOperation } from './common.js';
import { BatchDeleteImage, BatchGetImage, DescribeImages, ListImages, PutImage } from './images.js';
import {
  BatchCheckLayerAvailability,
  CompleteLayerUpload,
  GetDownloadUrlForLayer,
  InitiateLayerUpload,
  UploadLayerPart,
} from './layers.js';
import {
  DeleteLifecyclePolicy,
  GetLifecyclePolicy,
  GetLifecyclePolicyPreview,
  PutLifecyclePolicy,
  StartLifecyclePolicyPreview,
} from './lifecycle.js';
import {
  DeleteRegistryPolicy,
  DescribeRegistry,
  GetRegistryPolicy,
  GetRegistryScanningConfiguration,
  PutRegistryPolicy,
  PutRegistryScanningConfiguration,
  PutReplicationConfiguration,
} from './registry.js';
import {
  CreateRepository,
  DeleteRepository,
  DeleteRepositoryPolicy,
  DescribeRepositories,
  GetRepositoryPolicy,
  ListTagsForResource,
  PutImageScanningConfiguration,
  PutImageTagMutability,
  SetRepositoryPolicy,
  TagResource,
  UntagResource,
} from './repositories.js';

/** Every ECR operation Overcast implements; the others answer UnknownOperationException. */
export const OPERATIONS: Record<string, EcrOperation> = {
  BatchCheckLayerAvailability,
  BatchDeleteImage,
  BatchGetImage,
  CompleteLayerUpload,
  CreateRepository,
  DeleteLifecyclePolicy,
  DeleteRegistryPolicy,
  DeleteRepository,
  DeleteRepositoryPolicy,
  DescribeImages,
  DescribeRegistry,
  DescribeRepositories,
  GetAuthorizationToken,
  GetDownloadUrlForLayer,
  GetLifecyclePolicy,
  GetLifecyclePolicyPreview,
  GetRegistryPolicy,
  GetRegistryScanningConfiguration,
  GetRepositoryPolicy,
  InitiateLayerUpload,
  ListImages,
  ListTagsForResource,
  PutImage,
  PutImageScanningConfiguration,
  PutImageTagMutability,
  PutLifecyclePolicy,
  PutRegistryPolicy,
  PutRegistryScanningConfiguration,
  PutReplicationConfiguration,
  SetRepositoryPolicy,
  StartLifecyclePolicyPreview,
  TagResource,
  UntagResource,
  UploadLayerPart,
};
